"""The county's view: targets, funnel, hours, cadence, certificates, drill-down, quarterly report and funding."""
