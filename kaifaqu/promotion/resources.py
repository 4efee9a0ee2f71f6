from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.views import Col, Related, Resource

from . import filters, forms, sheets
from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip


def stale_badge(lead):
    if lead.is_stale:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("久未跟进"))
    return lead.last_follow_up_on or "—"


class LeadResource(Resource):
    model = Lead
    url_prefix = "leads"
    filterset_class = filters.LeadFilterSet
    form_class = forms.LeadForm
    sheet_class = sheets.LeadSheet
    list_columns = [
        Col("company", link=True),
        Col("zone", sort="zone__name"),
        Col("chain", sort="chain__name"),
        Col("source_region", sort="source_region__order"),
        Col("mode", sort="mode__order"),
        Col("stage"),
        Col("likelihood"),
        Col("intended_investment"),
        Col("last_follow_up_on", header=_("最近跟进"), render=stale_badge),
        Col("owner"),
    ]
    list_select_related = ("zone", "chain", "source_region", "mode", "owner")
    related = [
        Related(_("跟进记录"), "follow_ups", ("date", "kind", "people", "content", "next_step")),
        Related(_("签约协议"), "agreements", ("signed_on", "kind", "amount")),
        Related(_("外出招商"), "trips", ("start_on", "destination", "leader")),
    ]

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("promotion/board/", views.board, name="promotion_board"),
            path("promotion/funnel/", views.funnel_page, name="promotion_funnel"),
            path("promotion/reserve/", views.reserve, name="promotion_reserve"),
            path("promotion/map/", views.investment_map, name="promotion_map"),
            path("promotion/overlaps/", views.overlap_page, name="promotion_overlaps"),
            path("promotion/zones/<int:pk>/", views.zone_summary, name="promotion_zone"),
        ]


class FollowUpResource(Resource):
    model = FollowUp
    url_prefix = "follow-ups"
    filterset_class = filters.FollowUpFilterSet
    form_class = forms.FollowUpForm
    sheet_class = sheets.FollowUpSheet
    list_columns = [
        Col("date", link=True),
        Col("lead", sort="lead__company"),
        Col("kind"),
        Col("people"),
        Col("content"),
        Col("next_step"),
    ]
    list_select_related = ("lead",)


class TripResource(Resource):
    model = Trip
    url_prefix = "trips"
    filterset_class = filters.TripFilterSet
    form_class = forms.TripForm
    sheet_class = sheets.TripSheet
    list_columns = [
        Col("start_on", link=True),
        Col("end_on"),
        Col("zone", sort="zone__name"),
        Col("destination"),
        Col("leader"),
    ]
    list_select_related = ("zone",)
    related = [Related(_("对接企业"), "leads", ("company", "stage", "likelihood"))]
    detail_template = "promotion/trip_detail.html"


class AgreementResource(Resource):
    model = Agreement
    url_prefix = "agreements"
    filterset_class = filters.AgreementFilterSet
    form_class = forms.AgreementForm
    sheet_class = sheets.AgreementSheet
    list_columns = [
        Col("signed_on", link=True),
        Col("lead", sort="lead__company"),
        Col("kind"),
        Col("amount"),
        Col("lead.project", sort=""),
    ]
    list_select_related = ("lead__project",)


class SourceRegionResource(Resource):
    model = SourceRegion
    url_prefix = "source-regions"
    filterset_class = filters.SourceRegionFilterSet
    form_class = forms.SourceRegionForm
    sheet_class = sheets.SourceRegionSheet
    list_columns = [Col("name", link=True), Col("order"), Col("is_active")]


class PromotionModeResource(Resource):
    model = PromotionMode
    url_prefix = "promotion-modes"
    filterset_class = filters.PromotionModeFilterSet
    form_class = forms.PromotionModeForm
    sheet_class = sheets.PromotionModeSheet
    list_columns = [Col("name", link=True), Col("order"), Col("is_active")]
