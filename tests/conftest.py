"""Test settings: hypothesis profiles (CFNFIX_HYPOTHESIS=deep searches twenty times longer)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CFNFIX_HYPOTHESIS", "default"))
