"""The API's routes: version 1 under /api/v1/, the schema and its docs, and the token screens.

/api/v1/sync/ and /api/v1/offline/ belong to the offline app (children/sync), included before
this module in config/urls.py."""

from django.urls import path

from .base import api_route
from .views import aggregates, cases, directory, outreach, referrals, schema, tokens

app_name = "api"

v1 = [
    path("cases/", api_route(cases.CaseListView), name="case_list"),
    path("cases/<int:pk>/", api_route(cases.CaseDetailView), name="case_detail"),
    path(
        "cases/<int:pk>/sections/<slug:section>/",
        api_route(cases.CaseSectionView),
        name="case_section",
    ),
    path("cases/<int:pk>/notes/", api_route(cases.CaseNotesView), name="case_notes"),
    path("cases/<int:pk>/follow-ups/", api_route(cases.FollowUpListView), name="case_followups"),
    path(
        "cases/<int:pk>/follow-ups/<int:followup_pk>/outcome/",
        api_route(cases.FollowUpOutcomeView),
        name="followup_outcome",
    ),
    path("cases/<int:pk>/referrals/", api_route(referrals.ReferralSendView), name="referral_send"),
    path("encounters/", api_route(outreach.EncounterListView), name="encounter_list"),
    path("encounters/<int:pk>/", api_route(outreach.EncounterDetailView), name="encounter_detail"),
    path("referrals/", api_route(referrals.ReferralListView), name="referral_list"),
    path("referrals/<int:pk>/", api_route(referrals.ReferralDetailView), name="referral_detail"),
    path(
        "referrals/<int:pk>/answer/",
        api_route(referrals.ReferralAnswerView),
        name="referral_answer",
    ),
    path("organisations/", api_route(directory.OrganisationListView), name="organisation_list"),
    path(
        "organisations/<int:pk>/",
        api_route(directory.OrganisationDetailView),
        name="organisation_detail",
    ),
    path("services/", api_route(directory.ServiceListView), name="service_list"),
    path("aggregates/", api_route(aggregates.AggregateView), name="aggregates"),
    path("resolutions/", api_route(directory.ResolutionListView), name="resolution_list"),
    path(
        "resolutions/<int:pk>/",
        api_route(directory.ResolutionDetailView),
        name="resolution_detail",
    ),
]

urlpatterns = [
    path("schema/", api_route(schema.SchemaView), name="schema"),
    path("docs/", schema.docs_view(), name="docs"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/new/", tokens.token_create_view, name="token_create"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    *[path(f"v1/{p.pattern}", p.callback, name=p.name) for p in v1],
]
