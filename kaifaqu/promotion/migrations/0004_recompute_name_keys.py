"""Full-width brackets were not stripped from company names for matching (the rule listed the ASCII ones twice):
recompute every lead's stored name key with the corrected rule, so 某某（集团）有限公司 matches 某某有限公司."""

from django.db import migrations


def recompute(apps, schema_editor):
    from kaifaqu.promotion.models import name_key

    Lead = apps.get_model("promotion", "Lead")
    changed = []
    for lead in Lead.objects.only("pk", "company", "name_key").iterator(chunk_size=2000):
        key = name_key(lead.company)
        if key != lead.name_key:
            lead.name_key = key
            changed.append(lead)
    Lead.objects.bulk_update(changed, ["name_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("promotion", "0003_fullwidth_labels")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
