from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import Enterprise


class EnterpriseSheet(SheetSpec):
    model = Enterprise
    columns = [
        C("name"),
        C("credit_code"),
        C("zones"),
        C("industry"),
        C("is_above_scale"),
        C("is_high_tech"),
        C("srdi_tier"),
        C("is_listed"),
        C("stock_code"),
        C("legal_representative"),
        C("contact_person"),
        C("contact_phone"),
        C("address"),
        C("source"),
    ]
