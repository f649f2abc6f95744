import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.env import refuse_development_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_development_secret_key(settings)
application = get_wsgi_application()
