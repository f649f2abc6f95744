import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from config.env import refuse_development_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_development_secret_key(settings)
application = get_asgi_application()
