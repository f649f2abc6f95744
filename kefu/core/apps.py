from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"

    def ready(self):
        import time

        from .jobs import job_last_runs
        from .metrics import register_gauge

        def last_runs():
            return [((name,), at) for name, at in job_last_runs().items() if at is not None]

        def ages():
            now = time.time()
            return [((name,), now - at if at else -1) for name, at in job_last_runs().items()]

        register_gauge(
            "kefu_job_last_success_timestamp_seconds",
            "Unix time each periodic job last finished without error",
            ["job"],
            last_runs,
        )
        register_gauge(
            "kefu_job_seconds_since_success",
            "Seconds since each periodic job last finished without error (-1: not within a week)",
            ["job"],
            ages,
        )
