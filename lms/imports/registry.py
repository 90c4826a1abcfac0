"""The import kinds, by name. Each domain's importer is listed here explicitly."""
from __future__ import annotations


def importer_classes() -> dict[str, type]:
    """Every import kind, in the order the import page lists them."""
    from lms.assessment.importers import AssignmentImporter, MoralImporter, ResultImporter
    from lms.geo.importers import DivisionImporter
    from lms.learners.importers.enrolments import EnrolmentImporter
    from lms.learners.importers.roster import RosterImporter
    from lms.learners.importers.status import StatusEventImporter
    from lms.recognition.importers import ExemptionImporter
    from lms.teaching.importers.attendance import AttendanceImporter
    from lms.teaching.importers.hours import OnlineHoursImporter, SelfStudyImporter
    from lms.teaching.importers.plans import PlanImporter

    classes = [DivisionImporter, RosterImporter, EnrolmentImporter, PlanImporter, AttendanceImporter,
               OnlineHoursImporter, SelfStudyImporter, AssignmentImporter, ResultImporter, MoralImporter,
               ExemptionImporter, StatusEventImporter]
    return {cls.kind: cls for cls in classes}
