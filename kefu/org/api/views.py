from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .serializers import MeSerializer


@extend_schema(responses=MeSerializer, tags=["staff"])
@api_view(["GET"])
def me(request):
    """The logged-in staff member: who the token or session acts as."""
    return Response(MeSerializer(request.user).data)
