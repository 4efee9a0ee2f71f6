"""Base form: related-record choices restricted to the user's scope; Bootstrap widgets."""

from django import forms


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(w, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        w.attrs.setdefault("class", css)
        if isinstance(w, forms.DateInput):
            w.input_type = "date"
            w.format = "%Y-%m-%d"


class ScopedModelForm(forms.ModelForm):
    """A ModelForm for a user: every related-record field offers only records in the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if qs is not None and hasattr(qs, "for_user"):
                field.queryset = qs.for_user(user)
        style_fields(self)

    def save_scoped(self):
        """Save and return the instance (views wrap this in core.services.save_in_scope)."""
        return self.save()
