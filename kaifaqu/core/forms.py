"""Base form: related-record choices restricted to the user's scope; Bootstrap widgets."""

from django import forms

from .fields import MonthFormField, MonthInput


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
        if isinstance(w, MonthInput):  # a month picker stays one (YYYY-MM)
            w.format = "%Y-%m"
        elif isinstance(w, forms.DateInput):
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


class AutocompleteMixin:
    """A select over a possibly huge table: renders only the selected option(s); a search box above it
    (kaifaqu.js) fills the options from the model's scoped autocomplete URL as the user types."""

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete-url"] = reverse(self.url_name)
        return context

    def optgroups(self, name, value, attrs=None):
        selected = [v for v in value if v not in (None, "")]
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "---------", not selected, 0))
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None and selected:
            for obj in queryset.filter(pk__in=selected):
                options.append(self.create_option(name, str(obj.pk), str(obj), True, len(options)))
        return [(None, options, 0)]


class AutocompleteSelect(AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(AutocompleteMixin, forms.SelectMultiple):
    pass


def add_errors(form: forms.BaseForm, exc) -> None:
    """Put a ValidationError on the form: on its fields where the form has them, else on the whole form
    (named by the model field's label), so a rule about a field the form does not show is still read."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    model = getattr(getattr(form, "_meta", None), "model", None)
    for field, errors in exc.message_dict.items():
        if field in form.fields or field == "__all__":
            form.add_error(None if field == "__all__" else field, errors)
            continue
        label = field
        if model is not None:
            try:
                label = str(model._meta.get_field(field).verbose_name)
            except Exception:
                label = field
        form.add_error(None, [f"{label}：{e}" for e in errors])


def with_period(data):
    """A year-and-month form's data with ``period`` (YYYY-MM, what its month picker shows) taken from ``year``
    and ``month`` when the request names those (links and the API do) and not the period."""
    if data is None or data.get("period"):
        return data
    year, month = str(data.get("year") or ""), str(data.get("month") or "")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        data = {**(data.dict() if hasattr(data, "dict") else data), "period": f"{int(year):04d}-{int(month):02d}"}
    return data


def add_period_picker(form) -> None:
    """One month picker (``period``, first) for a form of figures as of a month of a year: picking it sets
    ``year`` and ``month`` (:func:`clean_period`), which stay as hidden fields under their names."""
    form.fields["period"] = MonthFormField(label=form.fields["month"].label, required=False)
    for name in ("year", "month"):
        form.fields[name].widget = forms.HiddenInput()
    form.order_fields(["period"])


def clean_period(form, data: dict) -> dict:
    """The picked month as ``year`` and ``month`` (their own errors give way to a valid pick)."""
    period = data.get("period")
    if period:
        data["year"], data["month"] = period.year, period.month
        for name in ("year", "month"):
            form.errors.pop(name, None)
    return data


class PlacePeriodForm(forms.Form):
    """A period (year and the month up to which) and a place (a city, a zone) of the user's scope: the dashboard's
    and the zone indicators' choice. ``ended_only``: the month must be over (figures of a month not ended yet are
    not asked for)."""

    ended_only = False

    def __init__(self, data, *, user):
        from django.utils.translation import gettext_lazy

        from kaifaqu.zones.models import City, Zone

        super().__init__(with_period(data))
        self.fields["year"] = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
        self.fields["month"] = forms.IntegerField(label=gettext_lazy("截至月份"), min_value=1, max_value=12)
        everything = gettext_lazy("全部")
        self.fields["city"] = forms.ModelChoiceField(
            queryset=City.objects.for_user(user), required=False, label=gettext_lazy("地市"), empty_label=everything
        )
        self.fields["zone"] = forms.ModelChoiceField(
            queryset=Zone.objects.for_user(user), required=False, label=gettext_lazy("开发区"), empty_label=everything
        )
        add_period_picker(self)
        style_fields(self)

    def clean(self):
        import datetime

        from django.core.exceptions import ValidationError
        from django.utils import timezone
        from django.utils.translation import gettext as _

        data = clean_period(self, super().clean())
        year, month = data.get("year"), data.get("month")
        if year and month:
            first = datetime.date(year, month, 1)
            this_month = timezone.localdate().replace(day=1)
            if self.ended_only and first >= this_month:
                raise ValidationError(_("统计期尚未结束，请选择已结束的月份"))
            if first > this_month:
                raise ValidationError(_("不能查看未来月份"))
        if data.get("zone") and data.get("city") and data["zone"].city_id != data["city"].pk:
            raise ValidationError(_("所选开发区不属于所选地市"))
        return data
