"""Pages of the placements app, included by config/urls.py under /placements/."""

from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("children/<int:child_id>/homes/", views.child_homes, name="child-homes"),
    path("children/<int:child_id>/homes/move/", views.move_new, name="move-new"),
    path("children/<int:child_id>/homes/end-care/", views.end_care, name="end-care"),
    path("children/<int:child_id>/decisions/new/", views.decision_new, name="decision-new"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision-detail"),
    path("decisions/<int:decision_id>/rungs/<int:rung>/", views.decision_rung, name="decision-rung"),
    path("decisions/<int:decision_id>/home/", views.decision_home, name="decision-home"),
    path("decisions/<int:decision_id>/checklist/", views.decision_checklist, name="decision-checklist"),
    path("decisions/<int:decision_id>/submit/", views.decision_submit, name="decision-submit"),
    path("decisions/<int:decision_id>/approve/", views.decision_approve, name="decision-approve"),
    path("decisions/<int:decision_id>/reject/", views.decision_reject, name="decision-reject"),
    path("risk-of-residential/", views.risk_of_residential, name="risk-of-residential"),
    path("residential-review/", views.residential_review, name="residential-review"),
    path("children/<int:child_id>/residential-review/", views.residential_review_new, name="residential-review-new"),
    path("children/<int:child_id>/adoption/", views.child_adoption, name="child-adoption"),
    path("children/<int:child_id>/adoption/decisions/new/", views.adoption_decision_new, name="adoption-decision-new"),
    path("adoption-decisions/<int:decision_id>/", views.adoption_decision, name="adoption-decision"),
    path("children/<int:child_id>/adoption/placement/", views.adoption_placement_new, name="adoption-placement-new"),
    path("children/<int:child_id>/adoption/adopted/", views.adoption_new, name="adoption-new"),
    path("adoptions/<int:adoption_id>/correct/", views.adoption_correct, name="adoption-correct"),
    path("children/<int:child_id>/previous-permanence/", views.previous_permanence, name="previous-permanence"),
    path("sufficiency/", views.sufficiency, name="sufficiency"),
    path("measures/", views.measures, name="measures"),
    path("ssda903/", views.ssda903, name="ssda903"),
    path("ssda903/import/", views.ssda903_import, name="ssda903-import"),
    path("ssda903/check/", views.ssda903_check, name="ssda903-check"),
]
