package nudges

import (
	"strings"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// Person is what a nudge needs to know about the person it goes to.
type Person struct {
	store.Person
	LinkWorkerName string // "" when they have none
	SchemeName     string
}

// Params returns the step machine's parameters for p in a run about
// subject: their first name, their link worker's, the scheme's name, the
// values the run keeps (its contact or activity), discreet mode and
// language.
func (p Person) Params(subject Subject) dialogues.Params {
	vars := dialogues.Vars{}
	set := func(name, value string) {
		if value != "" {
			vars[name] = value
		}
	}
	set("first_name", firstWord(p.Name))
	set("link_worker", firstWord(p.LinkWorkerName))
	set("scheme", p.SchemeName)
	for name, value := range subject.Vars {
		set(name, value)
	}
	return dialogues.Params{Vars: vars, Discreet: p.Discreet, Language: p.Language}
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// contactVars adds a contact's day, time and place, in the scheme's zone.
func contactVars(vars dialogues.Vars, c store.Contact, loc *time.Location) {
	t := c.StartsAt.In(loc)
	vars["contact_day"] = t.Format("Monday 2 January")
	vars["contact_time"] = t.Format("3:04pm")
	switch {
	case c.Place != "":
		vars["contact_place"] = c.Place
	case c.Kind == store.ContactPhone:
		vars["contact_place"] = "by phone"
	case c.Kind == store.ContactVideo:
		vars["contact_place"] = "by video call"
	case c.Kind == store.ContactHomeVisit:
		vars["contact_place"] = "at your home"
	}
}

// groupVars adds a community group's name, day, time and place. The
// group's schedule in words ("Tuesdays 10:00–11:30") is split at its first
// digit into day and time.
func groupVars(vars dialogues.Vars, g store.Group) {
	vars["activity"] = g.Name
	day, when := g.Schedule, ""
	if i := strings.IndexAny(g.Schedule, "0123456789"); i > 0 {
		day, when = strings.TrimSpace(g.Schedule[:i]), strings.TrimSpace(g.Schedule[i:])
	}
	vars["activity_day"] = strings.TrimSuffix(day, ",")
	vars["activity_time"] = when
	vars["activity_place"] = g.Place
}
