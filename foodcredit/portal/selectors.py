"""Reads of the portal's own data: a public report by its tracking number, and the complaint staff filed it as."""

from foodcredit.complaints.models import Complaint

from .models import PublicReport


def report_by_tracking(*, tracking_no: str) -> PublicReport | None:
    """The report with this tracking number (typed in any case, with spaces around), or None."""
    return PublicReport.objects.filter(tracking_no=tracking_no.strip().upper()).first()


def report_complaint(*, report: PublicReport, source_name: str) -> Complaint | None:
    """The complaint `report` was filed as on accepting it (its tracking number is the complaint's id within the
    portal's source), or None: never accepted."""
    return (
        Complaint.objects.filter(source__name=source_name, source_ref=report.tracking_no)
        .select_related("operator")
        .first()
    )
