"""A small county with two townships, used by the permission matrix and scope tests.

Every scoped user (township, enroller, teacher) belongs to township A. `world.in_scope` maps URL
parameter names to ids of objects those users may reach; `world.out_of_scope` to ids of the same
kinds of objects in township B, which they must get 404 for. Each domain adds its objects here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lms.extensions import db
from tests.factories import (
    make_class, make_county, make_learner, make_teaching_point, make_township, make_user, make_village,
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    in_scope: dict = field(default_factory=dict)
    out_of_scope: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """Build the two-township world (flushes; rolled back with the test)."""
    w = World()
    county = make_county("世界县")
    township_a, township_b = make_township(county, "甲镇"), make_township(county, "乙镇")
    village_a, village_a2 = make_village(township_a, "甲一村"), make_village(township_a, "甲二村")
    village_b = make_village(township_b, "乙一村")
    point_a, point_b = make_teaching_point(village_a), make_teaching_point(village_b)
    class_a, class_b = make_class(point_a, code="W-A-01"), make_class(point_b, code="W-B-01")
    learner_a = make_learner(village_a, teaching_class=class_a, name="甲学员", enrolled_on=date(2025, 3, 1))
    learner_b = make_learner(village_b, teaching_class=class_b, name="乙学员", enrolled_on=date(2025, 3, 1))
    w.objects.update(county=county, township_a=township_a, township_b=township_b, village_a=village_a,
                     village_a2=village_a2, village_b=village_b, point_a=point_a, point_b=point_b,
                     class_a=class_a, class_b=class_b, learner_a=learner_a, learner_b=learner_b)
    w.users = {
        "admin": make_user("admin"),
        "bureau": make_user("bureau"),
        "township": make_user("township", divisions=[township_a]),
        "enroller": make_user("enroller", divisions=[village_a]),
        "teacher": make_user("teacher", classes=[class_a]),
        "registrar": make_user("registrar"),
    }
    w.in_scope.update(point_id=point_a.id, user_id=w.users["township"].id, kind="divisions",
                      learner_id=learner_a.id, class_id=class_a.id)
    w.out_of_scope.update(point_id=point_b.id, learner_id=learner_b.id, class_id=class_b.id)
    _add_certificates(w)
    db.session.flush()
    return w


def _add_certificates(w: World) -> None:
    """A diploma for each township's learner, a print job, and the public token of learner A's diploma."""
    from lms.certificates.models import RenderJob
    from tests.factories.certificates import make_certificate

    certificate_a, certificate_b = make_certificate(w.learner_a), make_certificate(w.learner_b)
    job = RenderJob(label="世界批次", batch=certificate_a.batch, certificate_ids=[certificate_a.id],
                    base_url="http://localhost", total=1)
    db.session.add(job)
    db.session.flush()
    w.objects.update(certificate_a=certificate_a, certificate_b=certificate_b, job=job)
    w.in_scope.update(certificate_id=certificate_a.id, batch_id=certificate_a.batch_id, job_id=job.id,
                      token=certificate_a.token, document="completion")
    w.out_of_scope.update(certificate_id=certificate_b.id)
