from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse

from .models import User


@login_required
def autocomplete(request):
    """Colleagues in the user's scope (agents by default), for assigning work and filtering."""
    term = request.GET.get("q", "").strip()
    people = User.objects.for_user(request.user).filter(role=request.GET.get("role", "agent"), is_active=True)
    if term:
        people = people.filter(Q(username__icontains=term) | Q(full_name__icontains=term))
    return JsonResponse({"results": [{"id": u.pk, "text": str(u)} for u in people.order_by("username")[:20]]})
