"""Data collection (归集): import jobs that read, validate and write records all-or-nothing.

Three doors (CLI, upload page, API) share this one pipeline. Writing is set-based through each record domain's
bulk service; ledger entries and audit rows are written in the same transaction.

sources: source systems and mappings · jobs: job bookkeeping and error reports · records: the bulk write and the
review queue · pipeline: read, validate, scope-check, write.
"""

from .jobs import ERRORS_KEPT_IN_DB, Progress, file_sha256, import_door_check, job_create, report_errors, report_path
from .pipeline import file_load, import_file, import_json, job_run
from .records import DATE_FIELDS, HELD_BY, RECORD_KEYS, WRITERS, WriteResult, pending_attach, records_write
from .sources import mapping_current, mapping_save, source_get_or_register, source_register, source_registered

__all__ = [
    "DATE_FIELDS",
    "ERRORS_KEPT_IN_DB",
    "HELD_BY",
    "RECORD_KEYS",
    "WRITERS",
    "Progress",
    "WriteResult",
    "file_load",
    "file_sha256",
    "import_door_check",
    "import_file",
    "import_json",
    "job_create",
    "job_run",
    "mapping_current",
    "mapping_save",
    "pending_attach",
    "records_write",
    "report_errors",
    "report_path",
    "source_get_or_register",
    "source_register",
    "source_registered",
]
