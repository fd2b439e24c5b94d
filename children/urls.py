from django.urls import path

from .sync import pages as offline
from .views import (
    approvals,
    audit,
    cases,
    documents,
    duty,
    exports,
    families,
    letters,
    mywork,
    outreach,
    referrals,
    retention,
    workflow,
)

app_name = "children"

urlpatterns = [
    path("cases/", cases.case_list, name="case_list"),
    path("cases/export.xlsx", exports.case_export, {"fmt": "xlsx"}, name="case_export_xlsx"),
    path("cases/export.csv", exports.case_export, {"fmt": "csv"}, name="case_export_csv"),
    path("cases/register/", cases.case_register, name="case_register"),
    path("cases/pick/", cases.case_pick, name="case_pick"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/<slug:section>/", cases.case_edit_section, name="case_edit_section"),
    path("cases/<int:pk>/notes/", cases.case_add_note, name="case_add_note"),
    path("cases/<int:pk>/reassign/", cases.case_reassign, name="case_reassign"),
    path("cases/<int:pk>/legal-hold/", retention.case_legal_hold, name="case_legal_hold"),
    path("cases/<int:pk>/consent/", cases.consent_add, name="consent_add"),
    path(
        "cases/<int:pk>/consent/<int:consent_pk>/withdraw/",
        cases.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<int:pk>/duplicates/", cases.case_duplicates, name="case_duplicates"),
    path("cases/<int:pk>/audit/", audit.case_audit, name="case_audit"),
    path(
        "cases/<int:pk>/links/<int:target_pk>/request/",
        cases.case_link_request,
        name="case_link_request",
    ),
    path(
        "cases/<int:pk>/links/<int:link_pk>/answer/",
        cases.case_link_answer,
        name="case_link_answer",
    ),
    path("cases/<int:pk>/family/add/", families.family_add, name="family_add"),
    path(
        "cases/<int:pk>/family/<int:member_pk>/remove/",
        families.family_remove,
        name="family_remove",
    ),
    path("households/<int:pk>/edit/", families.household_edit, name="household_edit"),
    path("cases/<int:pk>/assessment/", workflow.assessment_create, name="assessment_create"),
    path("cases/<int:pk>/plan/goals/", workflow.plan_goal_add, name="plan_goal_add"),
    path(
        "cases/<int:pk>/plan/goals/<int:goal_pk>/actions/",
        workflow.plan_action_add,
        name="plan_action_add",
    ),
    path(
        "cases/<int:pk>/plan/actions/<int:action_pk>/status/",
        workflow.plan_action_status,
        name="plan_action_status",
    ),
    path("cases/<int:pk>/closure/", workflow.closure_request, name="closure_request"),
    path(
        "cases/<int:pk>/closure/<int:request_pk>/decide/",
        workflow.closure_decide,
        name="closure_decide",
    ),
    path("cases/<int:pk>/reopen/", workflow.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/follow-ups/", workflow.followup_schedule, name="followup_schedule"),
    path(
        "cases/<int:pk>/follow-ups/<int:followup_pk>/",
        workflow.followup_outcome,
        name="followup_outcome",
    ),
    path("cases/<int:pk>/documents/add/", documents.document_add, name="document_add"),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/edit/",
        documents.document_edit,
        name="document_edit",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/remove/",
        documents.document_remove,
        name="document_remove",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/scan/",
        documents.document_scan,
        name="document_scan",
    ),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/policy/", documents.policy_list, name="document_policy_list"),
    path(
        "documents/policy/<int:pk>/affected/",
        documents.policy_affected,
        name="document_policy_affected",
    ),
    path("my-work/", mywork.my_work, name="my_work"),
    path("report-alerts/", duty.report_alerts, name="report_alerts"),
    path(
        "cases/<int:pk>/report-alerts/<int:alert_pk>/decide/",
        duty.report_alert_decide,
        name="report_alert_decide",
    ),
    path("offline/", offline.offline_app, name="offline_app"),
    path("cases/<int:pk>/refer/", referrals.referral_create, name="referral_create"),
    path("cases/<int:pk>/letters/new/", letters.letter_create_view, name="letter_create"),
    path("cases/<int:pk>/letters/<int:letter>.pdf", letters.letter_pdf, name="letter_pdf"),
    path("referrals/inbox/", referrals.referral_inbox_view, name="referral_inbox"),
    path(
        "referrals/inbox/export.xlsx",
        exports.referral_inbox_export,
        {"fmt": "xlsx"},
        name="referral_inbox_export_xlsx",
    ),
    path(
        "referrals/inbox/export.csv",
        exports.referral_inbox_export,
        {"fmt": "csv"},
        name="referral_inbox_export_csv",
    ),
    path("referrals/sent/", referrals.referral_sent_view, name="referral_sent"),
    path(
        "referrals/sent/export.xlsx",
        exports.referral_sent_export,
        {"fmt": "xlsx"},
        name="referral_sent_export_xlsx",
    ),
    path(
        "referrals/sent/export.csv",
        exports.referral_sent_export,
        {"fmt": "csv"},
        name="referral_sent_export_csv",
    ),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/accept/", referrals.referral_accept_view, name="referral_accept"),
    path("referrals/<int:pk>/decline/", referrals.referral_decline_view, name="referral_decline"),
    path(
        "referrals/<int:pk>/complete/", referrals.referral_complete_view, name="referral_complete"
    ),
    path(
        "referrals/<int:pk>/withdraw/", referrals.referral_withdraw_view, name="referral_withdraw"
    ),
    path(
        "referrals/<int:pk>/approve-override/",
        approvals.override_approve,
        name="override_approve",
    ),
    path("outreach/", outreach.encounter_list, name="encounter_list"),
    path(
        "outreach/export.xlsx",
        exports.encounter_export,
        {"fmt": "xlsx"},
        name="encounter_export_xlsx",
    ),
    path(
        "outreach/export.csv", exports.encounter_export, {"fmt": "csv"}, name="encounter_export_csv"
    ),
    path("outreach/new/", outreach.encounter_create, name="encounter_create"),
    path("outreach/hotspots/", outreach.hotspots, name="hotspots"),
    path("outreach/<int:pk>/", outreach.encounter_detail, name="encounter_detail"),
]

# Transfers of a case to another organisation (docs/adr/0037).
from .urls_transfers import urlpatterns as transfer_urlpatterns  # noqa: E402

urlpatterns += transfer_urlpatterns
