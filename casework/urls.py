from django.urls import include, path

from casework import views
from casework.dashboard import urls as dashboard_urls

app_name = "casework"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    path("dashboard/", include(dashboard_urls)),
    path("children/new/", views.child_new, name="child-new"),
    path("children/<int:child_id>/", views.child_detail, name="child-detail"),
    path("children/<int:child_id>/details/", views.child_edit, name="child-edit"),
    path("children/<int:child_id>/close/", views.child_close, name="child-close"),
    path("children/<int:child_id>/reopen/", views.child_reopen, name="child-reopen"),
    path("children/<int:child_id>/care/start/", views.care_start, name="care-start"),
    path("children/<int:child_id>/care/legal-status/", views.legal_status_change, name="legal-status-change"),
    path("children/<int:child_id>/leaving-care/", views.leaving_care, name="leaving-care"),
    path("children/<int:child_id>/health-records/", views.health_records, name="health-records"),
    path("children/<int:child_id>/family/new/", views.family_member_new, name="family-member-new"),
    path("family/<int:member_id>/", views.family_member_edit, name="family-member-edit"),
    path("children/<int:child_id>/chronology/", views.child_chronology, name="child-chronology"),
    path("children/<int:child_id>/chronology.csv", views.child_chronology_csv, name="child-chronology-csv"),
    path("children/<int:child_id>/access-log/", views.child_access_log, name="child-access-log"),
    path("children/<int:child_id>/visits/new/", views.visit_new, name="visit-new"),
    path("children/<int:child_id>/case-notes/new/", views.case_note_new, name="case-note-new"),
    path("case-notes/<int:note_id>/", views.case_note_detail, name="case-note-detail"),
    path("case-notes/<int:note_id>/edit/", views.case_note_edit, name="case-note-edit"),
    path("case-notes/<int:note_id>/sign/", views.case_note_sign, name="case-note-sign"),
    path("case-notes/<int:note_id>/amend/", views.case_note_amend, name="case-note-amend"),
    path("children/<int:child_id>/worker/", views.change_worker, name="change-worker"),
    path("children/<int:child_id>/sibling-contact/new/", views.sibling_contact_new, name="sibling-contact-new"),
    path("children/<int:child_id>/sibling-contact/sessions/new/", views.sibling_session_new, name="sibling-session-new"),
    path("sibling-contact/<int:arrangement_id>/", views.sibling_contact_edit, name="sibling-contact-edit"),
    path("sibling-contact/sessions/<int:session_id>/", views.sibling_session_outcome, name="sibling-session-outcome"),
    path("children/<int:child_id>/account/invite/", views.child_invite, name="child-invite"),
    path("children/<int:child_id>/account/suspend/", views.child_account_suspend, name="child-account-suspend"),
    path("children/<int:child_id>/account/reinstate/", views.child_account_reinstate, name="child-account-reinstate"),
    path("children/<int:child_id>/words/", views.child_story, name="child-story"),
    path("visits/<int:visit_id>/share/", views.visit_share, name="visit-share"),
    path("words-check/", views.words_check, name="words-check"),
    path("corrections/<int:check_id>/", views.correction_answer, name="correction-answer"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:visit_id>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:visit_id>/amend/", views.visit_amend, name="visit-amend"),
]
