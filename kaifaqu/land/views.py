"""土地供应与储备: the land totals of the user's scope (or one city or zone) for a period, per unit below it."""

import calendar
import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.forms import PlacePeriodForm, style_fields
from kaifaqu.core.scoping import scope_for
from kaifaqu.core.views import refuse_outside_scope
from kaifaqu.zones.models import City, Zone

from . import services


class LandForm(PlacePeriodForm):
    """The period (from the start of ``since`` to the end of the chosen month) and place of the land totals."""

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        self.fields["since"] = forms.IntegerField(
            label=gettext_lazy("起始年度"),
            min_value=2000,
            max_value=2100,
            required=False,
            help_text=gettext_lazy("留空为所选年度；如 2020 至 2024 年累计"),
        )
        style_fields(self)

    def clean(self):
        data = super().clean()
        since, year = data.get("since"), data.get("year")
        if since and year and since > year:
            self.add_error("since", _("起始年度不能晚于所选年度"))
        return data


def overview_for(user, params) -> dict:
    refuse_outside_scope(user, params, city=City, zone=Zone)
    today = timezone.localdate()
    form = LandForm({"year": today.year, "month": today.month, **params}, user=user)
    if not form.is_valid():
        return {"form": form}
    cd = form.cleaned_data
    zones = Zone.objects.for_user(user)
    scope = scope_for(user)
    if cd.get("zone") or scope.zone_id:
        zone = cd.get("zone") or user.zone
        zones, place, group, units = zones.filter(pk=zone.pk), str(zone), None, {}
    elif cd.get("city") or scope.city_id:
        city = cd.get("city") or user.city
        zones, place, group = zones.filter(city=city), str(city), "pk"
        units = dict(zones.values_list("pk", "name"))
    else:
        place, group = _("全省"), "city"
        units = dict(City.objects.for_user(user).values_list("pk", "name"))
    start = datetime.date(cd.get("since") or cd["year"], 1, 1)
    end = datetime.date(cd["year"], cd["month"], calendar.monthrange(cd["year"], cd["month"])[1])
    end = min(end, today)
    figures = services.totals(zones, start, end, group)
    rows = [(name, figures[key]) for key, name in units.items() if key in figures]
    return {
        "form": form,
        "place": place,
        "start": start,
        "end": end,
        "total": figures[None],
        "rows": rows,
        "unit_label": _("地市") if group == "city" else _("开发区"),
    }


@login_required
def overview_page(request):
    ctx = {"title": _("土地供应与储备"), **overview_for(request.user, request.GET.dict())}
    return render(request, "land/overview.html", ctx, status=200 if "total" in ctx else 400)
