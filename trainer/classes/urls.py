from django.urls import path

from .views import assignments, board, exams, polls, results, roster

app_name = "classes"

urlpatterns = [
    path("", roster.index, name="index"),
    path("new/", roster.create, name="create"),
    path("join/", roster.join, name="join"),
    path("join/<str:code>/", roster.join, name="join_code"),
    path("<int:pk>/", roster.detail, name="detail"),
    path("<int:pk>/leave/", roster.leave, name="leave"),
    path("<int:pk>/people/", roster.people, name="people"),
    path("<int:pk>/people/instructors/", roster.add_instructor, name="add_instructor"),
    path("<int:pk>/people/<int:member>/remove/", roster.remove, name="remove"),
    path("<int:pk>/people/<int:member>/readmit/", roster.readmit, name="readmit"),
    path("<int:pk>/code/", roster.rotate, name="rotate"),
    path("<int:pk>/join-screen/", roster.join_screen, name="join_screen"),
    path("<int:pk>/archive/", roster.archive, name="archive"),
    path("<int:pk>/assignments/", assignments.assignments, name="assignments"),
    path("<int:pk>/assignments/<int:assignment>/delete/", assignments.delete, name="delete_assignment"),
    path("<int:pk>/assignments/<int:assignment>/start/", assignments.start_quiz, name="start_quiz"),
    path("<int:pk>/dashboard/", board.dashboard, name="dashboard"),
    path("<int:pk>/learners/<int:member>/<int:assignment>/", board.work, name="work"),
    path("<int:pk>/projector/<int:member>/<int:assignment>/", board.projector, name="projector"),
    path("<int:pk>/mistakes/", board.misconceptions, name="mistakes"),
    path("<int:pk>/mistakes/<slug:exercise>/<slug:mistake>/", board.who, name="who"),
    path("<int:pk>/broadcasts/", board.broadcast, name="broadcast"),
    path("<int:pk>/broadcasts/<int:message>/stop/", board.stop_broadcast, name="stop_broadcast"),
    path("<int:pk>/polls/", polls.poll_list, name="polls"),
    path("<int:pk>/polls/<int:poll>/", polls.answer, name="poll"),
    path("<int:pk>/polls/<int:poll>/screen/", polls.screen, name="poll_screen"),
    path("<int:pk>/polls/<int:poll>/state/", polls.set_state, name="poll_state"),
    path("<int:pk>/exams/<int:assignment>/", exams.exam, name="exam"),
    path("<int:pk>/exams/<int:assignment>/open/", exams.open_exam, name="open_exam"),
    path("<int:pk>/exams/<int:assignment>/close/", exams.close_exam, name="close_exam"),
    path("<int:pk>/exams/<int:assignment>/extra-time/", exams.extra_time, name="extra_time"),
    path("<int:pk>/gradebook/", results.gradebook, name="gradebook"),
    path("<int:pk>/gradebook.csv", results.gradebook_csv, name="gradebook_csv"),
    path("<int:pk>/items/", results.items, name="items"),
]
