"""Imports every domain's models so Alembic and create_all see all tables."""
from lms.api.models import ApiKey  # noqa: F401
from lms.assessment.models import AssessmentResult, AssignmentCompletion, MoralEvaluation  # noqa: F401
from lms.audit.models import AuditEvent  # noqa: F401
from lms.auth.models import LoginAttempt, User, UserDivision  # noqa: F401
from lms.certificates.models import (  # noqa: F401
    BatchMember,
    Certificate,
    GraduationBatch,
    RenderJob,
    VerificationLog,
)
from lms.core.sequences import Sequence  # noqa: F401
from lms.geo.models import Division, TeachingPoint  # noqa: F401
from lms.inspection.models import InspectionVisit  # noqa: F401
from lms.learners.models import (  # noqa: F401
    CarriedHours,
    CarriedResult,
    Learner,
    LearnerCard,
    OutreachVisit,
    RosterEntry,
    StatusEvent,
)
from lms.policies.models import PolicyVersion  # noqa: F401
from lms.recognition.models import (  # noqa: F401
    CertificateKind,
    CertificateKindCourse,
    RecognitionApplication,
    RecognitionItem,
)
from lms.reports.models import CadenceStanding, LearnerTally, VillageMonthHours  # noqa: F401
from lms.settings.models import Setting  # noqa: F401
from lms.teaching.models import (  # noqa: F401
    Attendance,
    ClassSession,
    ClassTeacher,
    Course,
    LearnerHours,
    PlatformRecord,
    SelfStudyEntry,
    SessionEvidence,
    Specialty,
    TeachingClass,
)
