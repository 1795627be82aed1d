package referral_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot/referral"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// nhsNumber makes the i-th valid NHS number.
func nhsNumber(i int) string {
	for base := 400000000 + i*7; ; base++ {
		s := fmt.Sprint(base)
		if n, ok := referral.ValidNHSNumber(s + "0"); ok {
			return n
		}
		for d := 1; d <= 9; d++ {
			if n, ok := referral.ValidNHSNumber(s + fmt.Sprint(d)); ok {
				return n
			}
		}
	}
}

// referralsCSV is a file of n referrals for link worker email; bad maps a
// line number (the header is line 1) to the change that spoils it.
func referralsCSV(n int, email string, bad map[int]func([]string)) string {
	var b strings.Builder
	b.WriteString("\ufeffname,phone,nhs_number,date_of_birth,gp_practice,referral_source,needs,consent_at,consent_how,telegram_wanted,link_worker_email\r\n")
	for i := 0; i < n; i++ {
		row := []string{fmt.Sprintf("Person %03d", i), fmt.Sprintf("07700 900%03d", i), nhsNumber(i), "14/03/1950", "A81001", "gp",
			"loneliness;money", "20/11/2026 14:30", "phone", "no", email}
		if f := bad[i+2]; f != nil {
			f(row)
		}
		b.WriteString(strings.Join(row, ",") + "\r\n")
	}
	return b.String()
}

func TestImportFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.SetClock(func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) })
		scheme := storetest.Scheme(t, db)
		lw := storetest.LinkWorker(t, db, scheme.ID)
		bad := map[int]func([]string){
			7:   func(r []string) { r[1] = "12345" },
			40:  func(r []string) { r[2] = "9434765918" },
			88:  func(r []string) { r[3] = "31/02/1950" },
			150: func(r []string) { r[6] = "loneliness;astrology" },
			201: func(r []string) { r[0] = "" },
		}
		file := referralsCSV(200, *lw.Email, bad)
		planner := nudges.NewPlanner()

		rep, err := referral.Import(ctx, db, planner, scheme, "test", nil, "referrals.csv", strings.NewReader(file), true)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"referrals.csv:7: phone: ", "referrals.csv:40: nhs_number: ", "referrals.csv:88: date_of_birth: ",
			"referrals.csv:150: needs: \"astrology\"", "referrals.csv:201: name: is required"}
		if rep.Rows != 200 || rep.Ready != 195 || rep.Created != 0 || len(rep.Problems) != 5 || len(rep.Duplicates) != 0 {
			t.Fatalf("dry run: %+v", rep)
		}
		for i, p := range rep.Problems {
			if !strings.HasPrefix(p.String(), want[i]) {
				t.Errorf("problem %d is %q, want it to start %q", i, p, want[i])
			}
		}
		if people, _ := db.ListPeople(ctx, scheme.ID, 0); len(people) != 0 {
			t.Fatalf("a dry run created %d people", len(people))
		}

		rep, err = referral.Import(ctx, db, planner, scheme, "test", nil, "referrals.csv", strings.NewReader(file), false)
		if err != nil || rep.Created != 195 || len(rep.Problems) != 5 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		people, _ := db.ListPeople(ctx, scheme.ID, 0)
		if len(people) != 195 || deref(people[0].Phone) != "+447700900000" || people[0].ConsentAt == nil || people[0].LinkWorkerID == nil {
			t.Fatalf("%d people, the first %+v", len(people), people[0])
		}

		// Again: everyone is a duplicate, nobody is created twice.
		rep, err = referral.Import(ctx, db, planner, scheme, "test", nil, "referrals.csv", strings.NewReader(file), false)
		if err != nil || rep.Created != 0 || len(rep.Duplicates) != 195 {
			t.Fatalf("import again: created %d, %d duplicates, %v", rep.Created, len(rep.Duplicates), err)
		}
		if d := rep.Duplicates[0].String(); !strings.HasPrefix(d, "referrals.csv:2: Person 000 has the same NHS number as person ") {
			t.Errorf("duplicate reads %q", d)
		}
		if people, _ := db.ListPeople(ctx, scheme.ID, 0); len(people) != 195 {
			t.Fatalf("%d people after importing twice", len(people))
		}
	})
}

func TestImportFileProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		scheme := storetest.Scheme(t, db)
		for _, c := range []struct{ file, want string }{
			{"", "x.csv:1: header: the file is empty"},
			{"name,phone,shoe_size\n", `x.csv:1: header: "shoe_size" is not a column`},
			{"name\nAnn\n", "x.csv:1: header: there is no phone column"},
			{"name,phone\n", "x.csv:2: file: has a header but no referrals"},
			{"name,phone\n\"Ann,07700 900001\n", "x.csv:2: file: is not CSV here"},
			{"name,phone,discreet\nAnn,07700 900001,maybe\n", "x.csv:2: discreet: must be yes or no"},
			{"name,phone\nAnn,07700 900001\nAnn Again,+447700900001\n", "x.csv:3: Ann Again has the same phone number as line 2"},
		} {
			rep, err := referral.Import(ctx, db, nudges.NewPlanner(), scheme, "test", nil, "x.csv", strings.NewReader(c.file), true)
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.String())
			}
			for _, d := range rep.Duplicates {
				got = append(got, d.String())
			}
			if err != nil || len(got) == 0 || !strings.HasPrefix(got[0], c.want) {
				t.Errorf("%q: %q %v, want %q", c.file, got, err, c.want)
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
