"""Flask glue shared by blueprints: base form, access decorators, error pages, filters."""
