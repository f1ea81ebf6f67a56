"""Template profiles: declarative descriptions of postmortem formats."""

from afteraction.profiles.loader import load_profile, load_profile_text
from afteraction.profiles.registry import ProfileRegistry
from afteraction.profiles.schema import Profile, SectionSpec

__all__ = ["Profile", "ProfileRegistry", "SectionSpec", "load_profile", "load_profile_text"]
