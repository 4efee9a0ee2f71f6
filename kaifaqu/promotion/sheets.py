from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip


class LeadSheet(SheetSpec):
    model = Lead
    key = ("zone", "company")
    columns = [
        C("zone"),
        C("company"),
        C("credit_code"),
        C("project_name"),
        C("contact_person"),
        C("contact_phone"),
        C("source_region"),
        C("chain"),
        C("mode"),
        C("intended_investment"),
        C("land_need"),
        C("factory_need"),
        C("liaison_leader"),
        C("stage"),
        C("likelihood"),
        C("likelihood_reason"),
        C("first_contact_on"),
    ]

    def validate_rows(self, staged, header_of):
        from kaifaqu.core.excel import RowError

        errors = []
        for rownum, inst, before, _m, _new in staged:
            if inst.chain_id and inst.chain.zone_id != inst.zone_id:
                errors.append(RowError(rownum, header_of["chain"], "产业链不属于该开发区"))
            if before and before.get("stage") != inst.stage and inst.stage in ("signed", "landed"):
                errors.append(RowError(rownum, header_of["stage"], "签约须通过“签约”登记协议"))
        return errors


class FollowUpSheet(SheetSpec):
    model = FollowUp
    key = ("lead", "date", "kind")
    columns = [
        C("lead", note="填写“企业名称”（本开发区的招商线索）", lookup="company"),
        C("kind"),
        C("date"),
        C("people"),
        C("content"),
        C("next_step"),
    ]

    def after_write(self, instances):
        from .models import refresh_last_follow_up

        refresh_last_follow_up({i.lead_id for i in instances})


class TripSheet(SheetSpec):
    model = Trip
    key = ("zone", "start_on", "destination")
    columns = [
        C("zone"),
        C("start_on"),
        C("end_on"),
        C("destination"),
        C("leader"),
        C("participants"),
        C("leads", lookup="company"),
        C("outcomes"),
    ]


class AgreementSheet(SheetSpec):
    """Export only: signing creates the key project, so agreements are entered one by one."""

    model = Agreement
    importable = False
    key = ("lead", "kind", "signed_on")
    columns = [C("lead", lookup="company"), C("kind"), C("signed_on"), C("amount"), C("note")]


class SourceRegionSheet(SheetSpec):
    model = SourceRegion
    columns = [C("name"), C("order"), C("is_active")]


class PromotionModeSheet(SheetSpec):
    model = PromotionMode
    columns = [C("name"), C("order"), C("is_active")]
