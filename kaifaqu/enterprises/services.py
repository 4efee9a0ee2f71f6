"""Enterprise writes that span several rows."""

from kaifaqu.core.scoping import merge_links
from kaifaqu.zones.models import Zone

from .models import EnterpriseZone


def set_zones(enterprise, zones, user) -> None:
    """Make ``zones`` the enterprise's zones as far as ``user`` can see; other zones' links stay.

    Each link is saved on its own so the change history records it on the enterprise's page.
    """
    visible = set(Zone.objects.for_user(user).values_list("pk", flat=True))
    links = {link.zone_id: link for link in enterprise.zone_links.all()}
    add, remove = merge_links(set(links), {z.pk for z in zones}, visible)
    for zone_id in sorted(add):
        EnterpriseZone.objects.create(enterprise=enterprise, zone_id=zone_id)
    for zone_id in sorted(remove):
        links[zone_id].delete()
