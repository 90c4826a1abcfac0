"""The learner registry: roster, outreach visits, enrolment, learner records."""
