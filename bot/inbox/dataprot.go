package inbox

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkbot/linkbot/bot/subjectaccess"
	"github.com/linkbot/linkbot/store"
)

// A scheme admin's data protection tools on a person's page: the subject
// access export, restriction of processing and erasure. Each is audited.

// eraseWord is what an admin types to confirm an erasure.
const eraseWord = "ERASE"

// exportPerson downloads everything held about a person as one zip (see
// package subjectaccess), and records the export in the audit trail.
func (a *app) exportPerson(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id")
	if !ok {
		return
	}
	v := viewerOf(r)
	ctx := r.Context()
	var buf bytes.Buffer
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetPersonInScope(ctx, id, v.Worker.SchemeID, v.Scope()); err != nil {
			return err
		}
		e, err := subjectaccess.Collect(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := subjectaccess.WriteZip(&buf, e); err != nil {
			return err
		}
		return audit(ctx, tx, v, id, "person.exported", map[string]any{"messages": len(e.Messages)})
	})
	if err != nil {
		a.storeError(w, r, "subject access export", err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+subjectaccess.FileName(id)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// restrictProcessing restricts processing of a person's record (nothing
// is sent to them; see store.Tx.SetRestricted), or with lift=1 lifts the
// restriction and plans their nudges again.
func (a *app) restrictProcessing(w http.ResponseWriter, r *http.Request) {
	a.personAction(w, r, "data protection", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		if r.PostFormValue("lift") != "" {
			if p.RestrictedAt == nil {
				return nil
			}
			if err := tx.SetRestricted(ctx, p.ID, nil); err != nil {
				return err
			}
			p.RestrictedAt = nil
			if err := a.Nudges.Resume(ctx, tx, p); err != nil {
				return err
			}
			confirm(ctx, "lifted")
			return audit(ctx, tx, v, p.ID, "person.restricted", map[string]any{"restricted": false})
		}
		if p.RestrictedAt != nil {
			return nil
		}
		now := tx.Now()
		if err := tx.SetRestricted(ctx, p.ID, &now); err != nil {
			return err
		}
		confirm(ctx, "restricted")
		return audit(ctx, tx, v, p.ID, "person.restricted", map[string]any{"restricted": true})
	})
}

// erasePerson erases a person's record in two steps: the first form
// gives the reason and shows what will go; the second repeats the reason
// and carries the word ERASE typed by the admin. Only then is the record
// erased (store.Tx.ErasePerson), which cannot be undone.
func (a *app) erasePerson(w http.ResponseWriter, r *http.Request) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	confirmed := strings.TrimSpace(r.PostFormValue("confirm"))
	if reason != "" && confirmed == "" {
		id, ok := pathID(w, r, "id")
		if !ok {
			return
		}
		a.showPerson(w, r, id, http.StatusOK, false, map[string]any{"EraseReason": reason, "Anchor": "data-protection"})
		return
	}
	a.personAction(w, r, "data protection", func(ctx context.Context, tx *store.Tx, v *viewer, p store.Person) error {
		switch {
		case reason == "":
			return formRefusal("Give the reason for the erasure: the article 17 request, or why the record must go.")
		case confirmed != eraseWord:
			return formRefusal("Type " + eraseWord + " in capitals to confirm the erasure. Nothing was erased.")
		}
		if _, err := tx.ErasePerson(ctx, p.ID, store.Erasure{ActorID: &v.Worker.ID, Actor: v.Worker.Name, Address: v.Address, Reason: reason}); err != nil {
			return err
		}
		confirm(ctx, "erased")
		return nil
	})
}
