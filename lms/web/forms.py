"""The base form every form inherits: CSRF (Flask-WTF) and whitespace stripping."""
from __future__ import annotations

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A Flask-WTF form whose text inputs are stripped of surrounding whitespace."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                filters = [_strip, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)

    def add_domain_error(self, error) -> None:
        """Attach a DomainError's message to its field (or to the form as a whole)."""
        field = getattr(self, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)


def choices(pairs) -> list:
    """(value, label) pairs — or plain values — as WTForms SelectChoice objects (tuples are deprecated)."""
    from wtforms.fields.choices import SelectChoice

    result = []
    for item in pairs:
        value, label = item if isinstance(item, tuple) else (item, item)
        result.append(SelectChoice(value, label))
    return result
