"""A mission's briefing: its modules, their files and tests, who read them and who passed."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pollwatch.accounts.roles import AnyUser, is_administrator, own_mission_id
from pollwatch.forms.labels import in_language
from pollwatch.missions.models import Member, Mission


class BriefingModuleQuerySet(models.QuerySet["BriefingModule"]):
    def visible_to(self, user: AnyUser) -> BriefingModuleQuerySet:
        """Every module of the user's own mission, whatever their role (administrators: all)."""
        if is_administrator(user):
            return self
        mission = own_mission_id(user)
        return self.none() if mission is None else self.filter(mission=mission)

    def required(self) -> BriefingModuleQuerySet:
        return self.filter(required=True, retired=False)

    def in_use(self) -> BriefingModuleQuerySet:
        """The modules members still read and take: every one not retired."""
        return self.filter(retired=False)


class BriefingModule(models.Model):
    """One part of a mission's briefing, in the mission's languages, with an optional test.

    ``title`` and ``text`` map a language code to the text in that language. The
    test is a form definition in pollwatch's format (``quiz``), the correct answer
    of each question it scores (``answers``: question code → choice code, or a list
    of codes for a multiple choice) and the share of correct answers that passes.
    """

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="briefing_modules")
    title = models.JSONField(default=dict)
    text = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(
        default=True, help_text=_("members must pass its test to be certified")
    )
    order = models.PositiveSmallIntegerField(default=1)
    retired = models.BooleanField(
        default=False,
        help_text=_("hidden from members and never required; their reading and attempts are kept"),
    )
    quiz = models.JSONField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=80, help_text=_("the percentage of correct answers that passes")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BriefingModuleQuerySet.as_manager()

    class Meta:
        ordering = ["mission", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="briefing_pass_mark_a_percentage"
            )
        ]

    def __str__(self) -> str:
        return self.title_in("en")

    def get_absolute_url(self) -> str:
        return reverse("briefing:module", args=[self.pk])

    def title_in(self, language: str) -> str:
        return in_language(self.title, language, f"#{self.pk}")

    def text_in(self, language: str) -> str:
        return in_language(self.text, language, "")

    @property
    def has_quiz(self) -> bool:
        """Whether members can take its test: one is uploaded and every question has its answer."""
        return bool(self.quiz) and self.answers_missing() == []

    def has_been_used(self) -> bool:
        """Whether any member read it or took its test: then it is retired, never deleted."""
        return self.readings.exists() or self.attempts.exists()

    def scored_questions(self) -> list[dict[str, Any]]:
        """The questions of its test that have a right answer (notes are read, not scored)."""
        if not self.quiz:
            return []
        return [
            question
            for section in self.quiz.get("sections", [])
            for question in section.get("questions", [])
            if question.get("type") != "note"
        ]

    def answers_missing(self) -> list[str]:
        return [q["code"] for q in self.scored_questions() if q["code"] not in self.answers]


def briefing_file_path(instance: BriefingFile, filename: str) -> str:
    return f"briefing/{instance.module.mission_id}/{filename}"


class BriefingFileQuerySet(models.QuerySet["BriefingFile"]):
    def visible_to(self, user: AnyUser) -> BriefingFileQuerySet:
        return self.filter(module__in=BriefingModule.objects.visible_to(user))


class BriefingFile(models.Model):
    """A document, picture or recording of a module; its type is read from its bytes."""

    module = models.ForeignKey(BriefingModule, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    language = models.CharField(
        max_length=8, blank=True, help_text=_("blank: for readers of every language")
    )
    file = models.FileField(upload_to=briefing_file_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = BriefingFileQuerySet.as_manager()

    class Meta:
        ordering = ["module", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def mission_id(self) -> int:
        return self.module.mission_id


class ModuleReading(models.Model):
    """That a member read a module, and when they first said so."""

    module = models.ForeignKey(BriefingModule, on_delete=models.CASCADE, related_name="readings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="briefing_readings")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "member"]
        constraints = [
            models.UniqueConstraint(fields=["module", "member"], name="briefing_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} read {self.module}"


class QuizAttempt(models.Model):
    """One go at a module's test, kept whatever its result: the score and the questions missed."""

    module = models.ForeignKey(BriefingModule, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="briefing_attempts")
    answers = models.JSONField(default=dict)
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    wrong_questions = models.JSONField(default=list)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member}: {self.module} {self.correct}/{self.total}"

    @property
    def mission_id(self) -> int:
        return self.module.mission_id

    @property
    def score(self) -> int:
        """The percentage of questions answered right, rounded down."""
        return self.correct * 100 // self.total if self.total else 100
