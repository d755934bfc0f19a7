from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("health/", views.health, name="health"),
    path("children/<int:child_id>/", views.child_detail, name="child-detail"),
    path("children/<int:child_id>/access-log/", views.child_access_log, name="child-access-log"),
    path("children/<int:child_id>/visits/new/", views.visit_new, name="visit-new"),
    path("children/<int:child_id>/worker/", views.change_worker, name="change-worker"),
    path("children/<int:child_id>/sibling-contact/new/", views.sibling_contact_new, name="sibling-contact-new"),
    path("children/<int:child_id>/sibling-contact/sessions/new/", views.sibling_session_new, name="sibling-session-new"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:visit_id>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:visit_id>/amend/", views.visit_amend, name="visit-amend"),
]
