from django.urls import path

from .views import approval, console, console_tools, my_reports, report, tracking

app_name = "complaints"
urlpatterns = [
    path("lapor/", report.report, name="report"),
    path("lapor/terkirim/<str:number>/", report.submitted, name="submitted"),
    path("lapor/peta/titik/", report.map_point, name="map_point"),
    path("lapor/peta/wilayah.geojson", report.map_areas, name="map_areas"),
    path("laporan-saya/", my_reports.my_reports, name="my_reports"),
    path("laporan-saya/keluar/", my_reports.my_reports_sign_out, name="my_reports_sign_out"),
    path("lacak/", tracking.track, name="track"),
    path("lacak/<str:number>/", tracking.track_case, name="track_case"),
    path("lacak/<str:number>/kode/", tracking.send_code, name="send_code"),
    path("lacak/<str:number>/kode/cek/", tracking.check_code, name="check_code"),
    path("lacak/<str:number>/kunci/", tracking.check_followup_key, name="check_followup_key"),
    path("lacak/<str:number>/balas/", tracking.citizen_reply, name="citizen_reply"),
    path("lacak/<str:number>/buka-kembali/", tracking.citizen_reopen, name="citizen_reopen"),
    path("lacak/<str:number>/nilai/", tracking.citizen_rate, name="citizen_rate"),
    path("console/aduan/", console.inbox, name="inbox"),
    path("console/aduan/baru/", console.new_case, name="new_case"),
    path("console/aduan/eskalasi/", console.escalations, name="escalations"),
    path("console/aduan/massal/", console_tools.bulk, name="bulk"),
    path("console/aduan/ekspor/", console_tools.export, name="export"),
    path("console/templat/", console_tools.templates, name="templates"),
    path("console/templat/<int:template_id>/", console_tools.template_edit, name="template_edit"),
    path("console/aduan/<str:number>/", console.case_page, name="console_case"),
    path("console/aduan/<str:number>/aksi/<str:action>/", console.case_action, name="case_action"),
    path("console/aduan/<str:number>/publik/", approval.approve_public, name="approve_public"),
    path(
        "console/aduan/<str:number>/lampiran/<int:attachment_id>/",
        console.attachment,
        name="attachment",
    ),
]
