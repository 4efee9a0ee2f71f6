from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import IndicatorStandard, LandParcel, LandReserve, ParcelCommitment, mu, stored


class IndicatorStandardSheet(SheetSpec):
    model = IndicatorStandard
    key = ("year", "indicator", "industry_code", "zone_level")
    columns = [
        C("year"),
        C("indicator"),
        C("industry_code"),
        C("industry_name"),
        C("zone_level"),
        C("bound"),
        C("value"),
        C("binding"),
        C("source"),
    ]


class LandReserveSheet(SheetSpec):
    model = LandReserve
    key = ("zone", "name")
    columns = [
        C("zone"),
        C("name"),
        C("area"),
        C("reserved_on"),
        C("cost"),
        C("source"),
        C("serviced"),
        C("infrastructure_area"),
        C("note"),
    ]


class LandParcelSheet(SheetSpec):
    model = LandParcel
    key = ("zone", "number")
    columns = [
        C("zone"),
        C("park"),
        C("number"),
        C("location"),
        C("longitude"),
        C("latitude"),
        C("area"),
        C("land_use"),
        C("industry_code"),
        C("is_standard"),
        C("reserve"),
        C("status"),
        C("sale_way"),
        C("sold_on"),
        C("price"),
        C("buyer", lookup="credit_code", note="填写受让企业的统一社会信用代码"),
        C("project", lookup="code", note="填写项目代码"),
        C("note"),
    ]

    def validate_rows(self, staged, header_of):
        """Parcels of one reserve, new and stored, together within the reserve's area (the row rule sees only
        the stored ones)."""
        from collections import defaultdict

        from django.db.models import Sum
        from django.utils.translation import gettext as _

        from kaifaqu.core.excel import RowError

        by_reserve = defaultdict(list)
        for rownum, inst, _before, _m, _new in staged:
            if inst.reserve_id and stored(inst.area):
                by_reserve[inst.reserve_id].append((rownum, inst))
        errors = []
        for reserve_id, rows in by_reserve.items():
            reserve = rows[0][1].reserve
            staged_pks = [i.pk for _r, i in rows if i.pk]
            kept = (
                LandParcel.objects.filter(reserve_id=reserve_id)
                .exclude(pk__in=staged_pks)
                .aggregate(s=Sum("area"))["s"]
                or 0
            )
            used = kept + reserve.infrastructure_area + sum(i.area for _r, i in rows)
            if used > reserve.area:
                for rownum, _inst in rows:
                    errors.append(
                        RowError(
                            rownum,
                            header_of["area"],
                            _("储备地块“%(r)s”的宗地与基础设施用地合计%(u)s亩，超过收储面积%(a)s亩")
                            % {"r": reserve, "u": mu(used), "a": mu(reserve.area)},
                        )
                    )
        return errors

    def after_write(self, instances):
        from .services import propose_commitments

        propose_commitments(instances)


class ParcelCommitmentSheet(SheetSpec):
    model = ParcelCommitment
    key = ("parcel", "indicator")
    columns = [
        C("parcel", lookup="number", note="填写宗地编号"),
        C("indicator"),
        C("bound"),
        C("value"),
        C("note"),
    ]
