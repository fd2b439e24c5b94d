"""The children import kind; registered with the outreach-log kind when the app starts
(``ChildrenConfig.ready``, ADR 0012)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import Role
from imports.kinds import ImportKind, ImportRefused
from imports.vocabulary import vocabulary_fingerprint

from ..models import Case
from .columns import COLUMNS, child_resource
from .load import ChildrenLoader, write_twins
from .validate import ChildrenValidation, validate_children


def default_caseworker(organisation):
    """Who imported cases are assigned to: the organisation's first manager, else caseworker."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(membership__organisation=organisation, is_active=True)
    for role in (Role.ORG_MANAGER, Role.CASEWORKER):
        user = users.filter(membership__role=role).order_by("pk").first()
        if user is not None:
            return user
    return None


def _rows_to_skip(job_id):
    """The rows the administrator chose not to import (possibly registered already)."""
    from imports.models import ImportJob

    job = ImportJob.objects.filter(pk=job_id).only("summary", "decisions").first()
    return job.rows_to_skip() if job is not None else frozenset()


class ChildrenKind(ImportKind):
    code = "children"
    label = gettext_lazy("Children")
    columns = COLUMNS
    model = Case
    order = 10
    done_message = gettext_lazy(
        "Imported. Each new case has a consent record for keeping the record, marked as recorded"
        " by this import."
    )
    done_link = "children:case_list"
    done_link_label = gettext_lazy("Cases")

    def resource(self, lang="fa"):
        return child_resource(lang)

    def parse_fingerprint(self, organisation):
        # Choice columns and provinces are read with the organisation's vocabulary.
        return vocabulary_fingerprint(organisation)

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        # The preview keeps counts and errors, not every row: children are written by
        # import_rows, which checks and writes in one pass.
        return validate_children(
            rows,
            organisation=organisation,
            check_duplicates=check_duplicates,
            progress=progress,
            keep_rows=False,
        )

    def import_rows(self, rows, *, organisation, by, job_id, progress=None):
        """Check the file a chunk at a time and write each valid chunk while the next is read.
        After the first invalid row nothing more is written, but every row is still checked,
        so the job lists all the errors; the caller rolls back.

        The database sits idle only while this thread must talk to it between two inserts: the
        next chunk's candidate fetch and the staging of the chunk about to go in. Deciding what
        each row of the next chunk does (Python only) waits until that insert has started.
        """
        validation = ChildrenValidation(organisation, skip_rows=_rows_to_skip(job_id))
        preview = validation.preview
        with ChildrenLoader(
            organisation=organisation,
            by=by,
            assigned_to=self._assignee(organisation),
            job_id=job_id,
        ) as loader:
            decided = None  # the previous chunk's valid rows, waiting to be written
            for checked in validation.checked_chunks(rows):
                loader.prepare(checked)  # also waits for the insert under way
                fetched = validation.fetch(checked)
                if decided is not None and preview.ok:
                    loader.add(decided)
                    validation.written(decided)
                decided = validation.decide(checked, fetched)
                if progress:
                    progress(preview.read, loader.counts["created"] + loader.counts["unchanged"])
            validation.finish()
            if decided is not None and preview.ok:
                loader.add(decided)
                validation.written(decided)
            if not preview.ok:
                return preview, None
            counts = loader.finish(preview.present_fields)
            # Twins are written once: the first row's case takes the others' values (ADR 0019).
            write_twins(validation.twins.merges(), organisation, by)
            counts["merged"] = preview.count("merge")
            counts["skipped"] = preview.count("skip")
            return preview, counts

    def _assignee(self, organisation):
        assigned_to = default_caseworker(organisation)
        if assigned_to is None:
            raise ImportRefused(
                _("The organisation has no active manager or caseworker to assign the cases to.")
            )
        return assigned_to
