package simulated_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/bot/dispatch"
	"github.com/linkbot/linkbot/bot/simulated"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

func TestTypingOnADemoPhoneGoesThroughThePipelineAndTheAnswerAppears(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		quiet := slog.New(slog.DiscardHandler)
		db.SetClock(func() time.Time { return time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC) })
		person := storetest.Person(t, db, func(p *store.Person) { p.Name = "Aisha Khan" })
		engine, err := bot.NewEngine(db, bot.Options{Logger: quiet, Runs: nudges.NewPlanner()})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		simulated.NewPhones(db, engine, "/demo/phones").Register(mux)
		web := httptest.NewServer(mux)
		defer web.Close()
		phone := web.URL + "/demo/phones/" + strconv.FormatInt(person.ID, 10)

		resp, err := http.PostForm(phone, url.Values{"text": {"HELP"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		sim := simulated.Sender{}
		d := dispatch.New(db, dispatch.Config{Logger: quiet, Now: db.Now, Senders: map[store.Channel]bot.Sender{
			store.ChannelSMS: sim, store.ChannelSimulated: sim}})
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		thread, err := db.ListThread(ctx, person.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(thread) != 2 || thread[0].Body != "HELP" || thread[0].Channel != store.ChannelSimulated ||
			thread[1].Kind != store.MessageKeyword || thread[1].Status != store.StatusDelivered {
			t.Fatalf("thread = %+v, want HELP in and its answer delivered", thread)
		}

		resp, err = http.Get(phone)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), "Aisha Khan's phone") || !strings.Contains(string(page), "Text STOP to stop messages") {
			t.Fatalf("the phone page does not show the thread:\n%s", page)
		}
		resp, err = http.Get(web.URL + "/demo/phones")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path != "/demo/phones/"+strconv.FormatInt(person.ID, 10) {
			t.Fatalf("/demo/phones opened %s, want the first person's phone", resp.Request.URL.Path)
		}
		resp, err = http.Get(phone + "?thread=1")
		if err != nil {
			t.Fatal(err)
		}
		fragment, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(fragment), "<html") || !strings.Contains(string(fragment), "Text STOP to stop messages") {
			t.Fatalf("the thread the page refreshes itself with:\n%s", fragment)
		}
	})
}
