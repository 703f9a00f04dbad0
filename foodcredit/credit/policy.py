"""Builds the disclosure policy from the settings in force."""

from decimal import Decimal

from django.conf import settings

from .rules import DisclosurePolicy, RepairPolicy


def disclosure_policy() -> DisclosurePolicy:
    """The DisclosurePolicy for the current settings."""
    return DisclosurePolicy(
        penalty_long=settings.PENALTY_DISCLOSURE_LONG,
        penalty_short=settings.PENALTY_DISCLOSURE_SHORT,
        low_fine_legal_person=Decimal(settings.PENALTY_LOW_FINE_THRESHOLD_LEGAL_PERSON),
        low_fine_natural_person=Decimal(settings.PENALTY_LOW_FINE_THRESHOLD_NATURAL_PERSON),
        publish_within_workdays=settings.PENALTY_PUBLISH_WITHIN_WORKDAYS,
        credit_china_serious=settings.XINYONG_CHINA_SERIOUS_PERIOD,
        credit_china_general=settings.XINYONG_CHINA_GENERAL_PERIOD,
        inspection_period=settings.INSPECTION_DISCLOSURE_PERIOD,
        sampling_period=settings.SAMPLING_DISCLOSURE_PERIOD,
        withdraw_within_workdays=settings.PENALTY_WITHDRAW_WITHIN_WORKDAYS,
        serious_list_period=settings.SERIOUS_LIST_PERIOD,
        false_commitment_period=settings.COMMITMENT_FALSE_DISCLOSURE_PERIOD,
        list_publish_within_workdays=settings.LIST_PUBLISH_WITHIN_WORKDAYS,
    )


def repair_policy() -> RepairPolicy:
    """The RepairPolicy for the current settings."""
    return RepairPolicy(
        min_disclosure=settings.PENALTY_REPAIR_MIN_DISCLOSURE,
        min_disclosure_food=settings.PENALTY_REPAIR_MIN_DISCLOSURE_FOOD,
        serious_early_after=settings.SERIOUS_LIST_EARLY_REMOVAL_AFTER,
    )
