"""Small helpers the organisation views share."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError):
    """Show a service's refusal on the form: beside a field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
    return form
