"""The base form every form inherits: CSRF (Flask-WTF), whitespace stripping, bounded numbers."""
from __future__ import annotations

from flask_wtf import FlaskForm

from lms.web.numbers import DB_INT_MAX

OUT_OF_RANGE = "数字超出范围。"


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

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Process as WTForms does, then refuse whole numbers no integer column holds (an id of
        99999999999999999999 would overflow SQLite): the field gets an error and no value."""
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        for field in self:
            _bound_numbers(field)

    def add_domain_error(self, error) -> None:
        """Attach a DomainError's message to its field (or to the form as a whole)."""
        field = getattr(self, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)


def _too_large(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not -DB_INT_MAX <= value <= DB_INT_MAX


def _bound_numbers(field) -> None:
    """Drop the out-of-range numbers of an integer field (IntegerField, SelectField(coerce=int) and
    multiple choices), with an error that keeps the form from validating."""
    data = field.data
    if isinstance(data, list) and any(_too_large(value) for value in data):
        field.data = [value for value in data if not _too_large(value)]
    elif _too_large(data):
        field.data = None
    else:
        return
    field.process_errors.append(OUT_OF_RANGE)


def choices(pairs) -> list:
    """(value, label) pairs — or plain values — as WTForms SelectChoice objects (tuples are deprecated)."""
    from wtforms.fields.choices import SelectChoice

    result = []
    for item in pairs:
        value, label = item if isinstance(item, tuple) else (item, item)
        result.append(SelectChoice(value, label))
    return result
