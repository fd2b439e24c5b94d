"""The transfer pages' addresses (docs/adr/0037), added to `children.urls` by one line."""

from django.urls import path

from .views import transfers

urlpatterns = [
    path("cases/<int:pk>/transfer/", transfers.transfer_create, name="transfer_create"),
    path("transfers/received/", transfers.transfers_received_view, name="transfers_received"),
    path("transfers/sent/", transfers.transfers_sent_view, name="transfers_sent"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", transfers.transfer_decline_view, name="transfer_decline"),
    path(
        "transfers/<int:pk>/withdraw/", transfers.transfer_withdraw_view, name="transfer_withdraw"
    ),
    path("transfers/summaries/", transfers.transfer_summaries_view, name="transfer_summaries"),
    path(
        "transfers/summaries/<int:pk>/",
        transfers.transfer_summary_detail,
        name="transfer_summary_detail",
    ),
]
