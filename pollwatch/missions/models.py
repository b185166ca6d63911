"""Missions, their people and teams, and the log of meetings with counterparts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import (
    AnyUser,
    Role,
    is_administrator,
    membership,
    mission_role,
    own_mission_id,
)
from pollwatch.accounts.scoping import (
    WHOLE_MISSION,
    coordinated_areas,
    sent_by_own_organisation,
)
from pollwatch.registry.models import Area, Election


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> OrganisationQuerySet:
        """Organisations that lead, join or send a delegation to the user's mission.

        Administrators see every organisation.
        """
        if is_administrator(user):
            return self
        mission = own_mission_id(user) if mission_role(user) is not None else None
        if mission is None:
            return self.none()
        return self.filter(
            models.Q(led_missions=mission)
            | models.Q(missions=mission)
            | models.Q(delegations__mission=mission)
        ).distinct()

    def named(self, text: str) -> OrganisationQuerySet:
        """Organisations whose name or short name is ``text``, whatever its case."""
        return self.filter(models.Q(name__iexact=text) | models.Q(short_name__iexact=text))


class Organisation(models.Model):
    """A body that leads a mission, sends a delegation to one or joins a coalition running one."""

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental organisation")
        PARLIAMENT = "parliament", _("parliament or parliamentary assembly")
        STATE = "state", _("state")
        ELECTION_COMMISSION = "election_commission", _("election commission")
        NGO = "ngo", _("non-governmental organisation")
        OTHER = "other", _("other")

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=100, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.pk])


class MissionQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> MissionQuerySet:
        """The user's own mission (administrators: every mission)."""
        if is_administrator(user):
            return self
        if mission_role(user) is None:
            return self.none()
        return self.filter(pk=own_mission_id(user))


class Mission(models.Model):
    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("international")
        CITIZEN = "citizen", _("citizen")

    class CoalitionSharing(models.TextChoices):
        ALL = "all", _("all of their data")
        AGGREGATES = "aggregates", _("aggregates only")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="missions")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="missions")
    lead_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_missions",
        help_text=_("the organisation that leads the mission"),
    )
    coalition = models.BooleanField(
        default=False,
        help_text=_(
            "run by a coalition of member organisations, "
            "each managing its own observers and reports"
        ),
    )
    coalition_sharing = models.CharField(
        max_length=20,
        choices=CoalitionSharing.choices,
        default=CoalitionSharing.AGGREGATES,
        help_text=_("what a coalition member's coordinators see of the other members' data"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    arrival = models.DateField(help_text=_("first day of the mission in the country"))
    departure = models.DateField(help_text=_("last day of the mission in the country"))
    methodology = models.TextField(blank=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["-arrival", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(departure__gte=models.F("arrival")),
                name="mission_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("missions:detail", args=[self.slug])

    @property
    def mission_id(self) -> int:
        """A mission is its own: permission checks ask every object for its mission's id."""
        return self.pk

    @property
    def head(self) -> Member | None:
        return self.members.filter(role=Member.Role.HEAD_OF_MISSION).first()

    @property
    def days_in_country(self) -> int:
        return (self.departure - self.arrival).days + 1


class DelegationQuerySet(models.QuerySet):
    def with_sizes(self) -> DelegationQuerySet:
        """Each delegation with ``size`` (all its members) and ``observers`` (those observing)."""
        return self.select_related("organisation", "head").annotate(
            size=models.Count("members", distinct=True),
            observers=models.Count(
                "members",
                filter=models.Q(members__role=Member.Role.OBSERVER),
                distinct=True,
            ),
        )


class Delegation(models.Model):
    """The members of a mission sent by one organisation or state, or one coalition member's."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="delegations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delegations"
    )
    head = models.ForeignKey(
        "Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations_headed",
        help_text=_("head of delegation, one of its members"),
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "organisation"], name="delegation_unique_per_mission"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


def _with_own_organisations_people(user: AnyUser) -> models.Q:
    """Teams with someone of the coordinator's coalition member (any team when unbounded)."""
    return sent_by_own_organisation(user, "members")


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> TeamQuerySet:
        """Teams whose routes the user may see: all, a coordinator's areas' or their own."""
        if is_administrator(user):
            return self
        role = mission_role(user)
        teams = self.filter(mission=own_mission_id(user))
        if role in WHOLE_MISSION:
            return teams
        if role is Role.COORDINATOR:
            in_areas = teams.filter(areas__in=Area.objects.within(coordinated_areas(user)))
            return in_areas.filter(_with_own_organisations_people(user)).distinct()
        member = membership(user)
        if role is Role.OBSERVER and member is not None and member.team_id:
            return teams.filter(pk=member.team_id)
        return teams.none()


class Team(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=40)
    areas = models.ManyToManyField(Area, blank=True, related_name="teams")

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "code"]
        constraints = [models.UniqueConstraint(fields=["mission", "code"], name="team_code_unique")]

    def __str__(self) -> str:
        return self.code

    def delegation_make_up(self) -> list[tuple[str, int]]:
        """(delegation, members of the team it sent), largest first; "" for members of none."""
        rows = (
            self.members.values(
                "delegation__organisation__name", "delegation__organisation__short_name"
            )
            .annotate(n=models.Count("pk"))
            .order_by("-n", "delegation__organisation__name")
        )
        return [
            (
                row["delegation__organisation__short_name"]
                or row["delegation__organisation__name"]
                or "",
                row["n"],
            )
            for row in rows
        ]


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> MemberQuerySet:
        """The whole mission, a coordinator's teams and themself, or an observer's own team."""
        if is_administrator(user):
            return self
        role = mission_role(user)
        member = membership(user)
        if role is None or member is None:
            return self.none()
        members = self.filter(mission=member.mission_id)
        if role in WHOLE_MISSION:
            return members
        if role is Role.COORDINATOR:
            area_teams = Team.objects.visible_to(user).values("pk")
            own_people = models.Q(team__in=area_teams) & sent_by_own_organisation(user, "")
            return members.filter(own_people | models.Q(pk=member.pk)).distinct()
        if member.team_id:
            return members.filter(models.Q(team=member.team_id) | models.Q(pk=member.pk))
        return members.filter(pk=member.pk)


class Member(models.Model):
    class Role(models.TextChoices):
        HEAD_OF_MISSION = "head_of_mission", _("head of mission")
        CORE_TEAM = "core_team", _("core team")
        COORDINATOR = "coordinator", _("coordinator")
        OBSERVER = "observer", _("observer")
        ANALYST = "analyst", _("analyst")
        SUPPORT = "support", _("interpreter or driver")

    class Accreditation(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("not requested")
        PENDING = "pending", _("pending")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    nationality = models.CharField(max_length=100, blank=True)
    home_organisation = models.CharField(max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text=_("comma-separated"))
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text=_("E.164, e.g. +995555123456"))
    accreditation_status = models.CharField(
        max_length=20, choices=Accreditation.choices, default=Accreditation.NOT_REQUESTED
    )
    accreditation_number = models.CharField(max_length=60, blank=True)
    accreditation_valid_until = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    delegation = models.ForeignKey(
        Delegation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text=_("the delegation, or coalition member, that sent this person"),
    )
    identity_document = models.CharField(
        _("passport or ID number"),
        max_length=60,
        blank=True,
        help_text=_("collected only where the host commission's accreditation requires it"),
    )
    certified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("when the member passed every required briefing module"),
    )
    areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="coordinators",
        help_text=_("areas a coordinator manages"),
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "email"],
                condition=~models.Q(email=""),
                name="member_email_unique_per_mission",
            ),
            models.UniqueConstraint(
                fields=["mission", "accreditation_number"],
                condition=~models.Q(accreditation_number=""),
                name="member_accreditation_unique_per_mission",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class MissionDocument(models.Model):
    """The invitation, the agreement the mission observes under, the accreditation decision."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        AGREEMENT = "agreement", _("memorandum or agreement")
        ACCREDITATION_DECISION = "accreditation_decision", _("accreditation decision")
        OTHER = "other", _("other")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    issued_by = models.CharField(
        max_length=200, blank=True, help_text=_("the institution that issued or signed it")
    )
    issued_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to="mission-documents/", blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mission", "issued_on", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Meeting(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(db_index=True)
    counterpart_name = models.CharField(max_length=200)
    counterpart_position = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200, db_index=True)
    attendees = models.ManyToManyField(Member, blank=True, related_name="meetings")
    topics = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "institution"]

    def __str__(self) -> str:
        return f"{self.date} {self.institution}"
