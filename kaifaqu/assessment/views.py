"""开发区指标总览: a zone's (or a city's, or the province's) indicators for a period, entered and derived, with
同比 beside the reported growth."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.fields import month_label
from kaifaqu.core.forms import add_period_picker, clean_period, style_fields, with_period
from kaifaqu.core.scoping import scope_for
from kaifaqu.core.views import refuse_outside_scope
from kaifaqu.projects import rates
from kaifaqu.zones.models import City, Zone

from . import services


class OverviewForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("截至月份"), min_value=1, max_value=12)
    city = forms.ModelChoiceField(
        queryset=City.objects.none(), required=False, label=gettext_lazy("地市"), empty_label=gettext_lazy("全部")
    )
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.none(), required=False, label=gettext_lazy("开发区"), empty_label=gettext_lazy("全部")
    )

    def __init__(self, data, *, user):
        super().__init__(with_period(data))
        self.fields["city"].queryset = City.objects.for_user(user)
        self.fields["zone"].queryset = Zone.objects.for_user(user)
        add_period_picker(self)
        style_fields(self)

    def clean(self):
        data = clean_period(self, super().clean())
        year, month = data.get("year"), data.get("month")
        if year and month and datetime.date(year, month, 1) >= timezone.localdate().replace(day=1):
            raise ValidationError(_("统计期尚未结束，请选择已结束的月份"))
        if data.get("zone") and data.get("city") and data["zone"].city_id != data["city"].pk:
            raise ValidationError(_("所选开发区不属于所选地市"))
        return data


@login_required
def overview_page(request):
    refuse_outside_scope(request.user, request.GET, city=City, zone=Zone)
    default = rates.reporting_period(timezone.localdate())
    form = OverviewForm({"year": default.year, "month": default.month, **request.GET.dict()}, user=request.user)
    ctx = {"title": _("开发区指标"), "form": form}
    if not form.is_valid():
        return render(request, "assessment/overview.html", ctx, status=400)
    cd = form.cleaned_data
    zones = Zone.objects.for_user(request.user)
    single = bool(cd.get("zone")) or bool(scope_for(request.user).zone_id)
    if cd.get("zone"):
        zones, place = zones.filter(pk=cd["zone"].pk), str(cd["zone"])
    elif cd.get("city"):
        zones, place = zones.filter(city=cd["city"]), str(cd["city"])
    else:
        scope = scope_for(request.user)
        place = str(request.user.zone) if scope.zone_id else str(request.user.city) if scope.city_id else _("全省")
    month = datetime.date(cd["year"], cd["month"], 1)
    ctx.update(
        rows=services.overview(zones, month, single),
        place=place,
        period=month_label(month),
        previous=month_label(services.year_before(month)),
        single=single,
        zone_count=zones.count(),
    )
    return render(request, "assessment/overview.html", ctx)
