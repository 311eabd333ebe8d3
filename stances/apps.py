from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StancesConfig(AppConfig):
    name = "stances"
    verbose_name = _("Stances")

    def ready(self) -> None:
        # Cache invalidation is the one job done in signal handlers: it must see every write,
        # whoever makes it (admin, forms, loaders, tasks). See stances/pagecache.py.
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .pagecache import content_version_bump

        for label in ("stances", "articles"):
            for model in apps.get_app_config(label).get_models():
                if model.__name__.startswith("Historical") or model.__name__ == "ContentVersion":
                    continue
                post_save.connect(content_version_bump, sender=model, dispatch_uid=f"cv-s-{model}")
                post_delete.connect(
                    content_version_bump, sender=model, dispatch_uid=f"cv-d-{model}"
                )
                for field in model._meta.local_many_to_many:
                    m2m_changed.connect(
                        content_version_bump,
                        sender=field.remote_field.through,
                        dispatch_uid=f"cv-m-{model}-{field.name}",
                    )
