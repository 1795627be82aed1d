package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/escalate"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestAdminManagesLinkWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		b := w.signIn(t, w.admin)
		status, body := b.post("/admin/workers", url.Values{"name": {"Nia Jones"}, "email": {"Nia@Example.org"},
			"phone": {"+447700900777"}, "hours_mon": {"09:00-17:00"}})
		if status != http.StatusOK || !strings.Contains(body, "Nia Jones") || !strings.Contains(body, "/welcome/") {
			t.Fatalf("add: %d, want the page with Nia's one-time link", status)
		}
		nia, err := db.GetLinkWorkerByEmail(ctx, "nia@example.org")
		if err != nil || escalate.WorkingHours(nia)["mon"] != "09:00-17:00" || nia.Role != store.RoleLinkWorker {
			t.Fatalf("stored %+v %v", nia, err)
		}
		refused := []url.Values{
			{"name": {""}, "email": {"x@example.org"}},
			{"name": {"X"}, "email": {"x@example.org"}, "phone": {"07700"}},
			{"name": {"X"}, "email": {"x@example.org"}, "hours_tue": {"17:00-09:00"}},
			{"name": {"Nia Again"}, "email": {"nia@example.org"}},
		}
		for _, form := range refused {
			if status, body := b.post("/admin/workers", form); status != http.StatusBadRequest || !strings.Contains(body, `class="problem"`) {
				t.Errorf("%v: %d, want 400 with the problem shown", form, status)
			}
		}

		status, _ = b.post("/admin/workers/"+itoa(nia.ID), url.Values{"name": {"Nia Jones"}, "email": {"nia@example.org"},
			"role": {"scheme_admin"}, "hours_tue": {"10:00-14:00"}})
		nia, _ = db.GetLinkWorker(ctx, nia.ID)
		if status != http.StatusOK || nia.Active || nia.Role != store.RoleSchemeAdmin || escalate.WorkingHours(nia)["tue"] != "10:00-14:00" {
			t.Fatalf("update (unticked 'may sign in'): %d %+v", status, nia)
		}
		if status, _ := b.post("/admin/workers/"+itoa(w.admin.ID), url.Values{"name": {w.admin.Name}, "email": {*w.admin.Email}, "role": {"link_worker"}, "active": {"on"}}); status != http.StatusBadRequest {
			t.Fatalf("an admin removing their own rights: %d, want 400", status)
		}
		other := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID)
		if status, _ := b.post("/admin/workers/"+itoa(other.ID), url.Values{"name": {"Taken"}, "email": {"t@example.org"}}); status != http.StatusNotFound {
			t.Fatalf("editing another scheme's link worker: %d, want 404", status)
		}
	})
}

func TestAdminSettingsDutyCoverAndGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		b := w.signIn(t, w.admin)
		form := url.Values{"send_from": {"10:00"}, "send_until": {"19:30"}, "time_zone": {"Europe/London"}, "duty_name": {"Duty line"},
			"duty_phone": {"+447700900100"}, "ack_minutes": {"10"}, "digest_at": {"08:00"}}
		if status, _ := b.post("/admin/settings", form); status != http.StatusOK {
			t.Fatalf("settings: %d", status)
		}
		s, _ := db.GetScheme(ctx, w.scheme.ID)
		set := escalate.SchemeSettings(s)
		if s.SendFrom != "10:00" || s.SendUntil != "19:30" || *s.DutyPhone != "+447700900100" || set.AckWithin != 10*time.Minute || set.DigestAt != "08:00" {
			t.Fatalf("saved %+v %+v", s, set)
		}
		form.Set("send_until", "09:00")
		if status, _ := b.post("/admin/settings", form); status != http.StatusBadRequest {
			t.Fatalf("quiet hours that end before they start: %d, want 400", status)
		}

		from := w.now.Add(time.Hour).In(london).Format("2006-01-02T15:04")
		until := w.now.Add(10 * time.Hour).In(london).Format("2006-01-02T15:04")
		if status, body := b.post("/admin/duty", url.Values{"worker": {itoa(w.sara.ID)}, "starts_at": {from}, "ends_at": {until}}); status != 200 || !strings.Contains(body, w.sara.Name) {
			t.Fatalf("duty cover: %d", status)
		}
		other := storetest.LinkWorker(t, db, storetest.Scheme(t, db).ID)
		if status, _ := b.post("/admin/duty", url.Values{"worker": {itoa(other.ID)}, "starts_at": {from}, "ends_at": {until}}); status != http.StatusBadRequest {
			t.Fatalf("cover by another scheme's link worker: %d, want 400", status)
		}

		if status, _ := b.post("/admin/groups", url.Values{"name": {"Chess club"}, "capacity": {"8"}, "tags": {"Games, company"}}); status != 200 {
			t.Fatalf("add group: %d", status)
		}
		groups, _ := db.ListGroups(ctx, w.scheme.ID, false)
		if len(groups) != 1 || *groups[0].WeeklyCapacity != 8 || len(groups[0].Tags) != 2 || groups[0].Tags[0] != "games" {
			t.Fatalf("groups %+v", groups)
		}
		r := store.Referral{SchemeID: w.scheme.ID, PersonID: w.tomsPerson.ID, GroupID: groups[0].ID}
		db.CreateReferral(ctx, &r)
		now := w.now
		r.AcceptedAt = &now
		db.UpdateReferral(ctx, r)
		if _, body := b.get("/admin/groups"); !strings.Contains(body, "1 / 8") {
			t.Fatalf("the group's load and capacity are not shown as 1 / 8")
		}
	})
}

func TestAPITokensCanBeRevoked(t *testing.T) {
	db := storetest.SQLite(t)
	w := newWorld(t, db)
	token := w.apiToken(t)
	if status, _ := w.call(t, token, "GET", "/api/v1/escalations", ""); status != 200 {
		t.Fatalf("a new token: %d", status)
	}
	var list []store.APIToken
	db.View(context.Background(), func(tx *store.Tx) error {
		var err error
		list, err = tx.ListAPITokens(context.Background(), w.scheme.ID)
		return err
	})
	b := w.signIn(t, w.admin)
	b.post("/admin/tokens/"+itoa(list[0].ID)+"/revoke", url.Values{})
	if status, _ := w.call(t, token, "GET", "/api/v1/escalations", ""); status != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d, want 401", status)
	}
}
