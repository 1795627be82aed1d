package inbox

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
)

// dialogueVersions is one dialogue key with its versions, newest first.
type dialogueVersions struct {
	Key      string
	Versions []store.Dialogue
}

// adminDialogues lists the scheme's dialogues; ?edit=ID puts that version's
// source in the upload form, to change and publish as a new version.
func (a *app) adminDialogues(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Replies": "4\n5\n3\n7\nno"}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil {
		d, err := a.DB.GetDialogue(r.Context(), id)
		if err != nil || d.SchemeID != viewerOf(r).Worker.SchemeID {
			http.NotFound(w, r)
			return
		}
		data["Source"], data["Filename"] = d.Source, d.Key+".yaml"
	}
	a.dialoguesPage(w, r, http.StatusOK, data)
}

func (a *app) dialoguesPage(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	v := viewerOf(r)
	a.adminPage(w, r, status, "dialogues", "", func(tx *store.Tx, d map[string]any) error {
		for k, val := range data {
			d[k] = val
		}
		list, err := tx.ListDialogues(r.Context(), v.Worker.SchemeID)
		var keys []dialogueVersions
		for _, dl := range list {
			if len(keys) == 0 || keys[len(keys)-1].Key != dl.Key {
				keys = append(keys, dialogueVersions{Key: dl.Key})
			}
			k := &keys[len(keys)-1]
			k.Versions = append([]store.Dialogue{dl}, k.Versions...)
		}
		d["Dialogues"] = keys
		return err
	})
}

// uploadedDialogue reads the dialogue from the form: an uploaded file, or
// the text box. It returns the file name used in diagnostics.
func uploadedDialogue(r *http.Request) (name, source string) {
	name = strings.TrimSpace(r.PostFormValue("filename"))
	source = r.PostFormValue("source")
	if f, hdr, err := r.FormFile("file"); err == nil {
		defer f.Close()
		if b, err := io.ReadAll(io.LimitReader(f, maxForm)); err == nil && len(b) > 0 {
			source, name = string(b), hdr.Filename
		}
	}
	if name == "" {
		name = "dialogue.yaml"
	}
	return name, strings.ReplaceAll(source, "\r\n", "\n")
}

// checkDialogue validates an uploaded dialogue and shows its problems as
// file:line:col, as the command line does, or plays it in a simulated
// phone against the replies given.
func (a *app) checkDialogue(w http.ResponseWriter, r *http.Request) {
	name, source := uploadedDialogue(r)
	replies := r.PostFormValue("replies")
	data := map[string]any{"Source": source, "Filename": name, "Replies": replies}
	d, diags := dialogues.Parse(name, []byte(source))
	var lines []string
	for _, dg := range diags {
		lines = append(lines, dg.String())
	}
	data["Diagnostics"] = lines
	if diags.HasErrors() || d == nil {
		a.dialoguesPage(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	var input []string
	for _, l := range strings.Split(replies, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			input = append(input, l)
		}
	}
	turns, _, err := dialogues.Simulate(d, input, dialogues.Params{Vars: dialogues.SampleVars()})
	if err != nil {
		data["Diagnostics"] = append(lines, name+": the simulation stopped: "+err.Error())
		a.dialoguesPage(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	data["Key"], data["Turns"], data["Valid"] = d.Key, turns, true
	a.dialoguesPage(w, r, http.StatusOK, data)
}

// publishDialogue saves a valid dialogue as the next version of its key and
// publishes it: new runs start on it, runs under way keep their version.
// After a check-in dialogue is published, everyone's next check-in is
// planned again from its schedule.
func (a *app) publishDialogue(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	name, source := uploadedDialogue(r)
	d, diags := dialogues.Parse(name, []byte(source))
	if diags.HasErrors() || d == nil {
		var lines []string
		for _, dg := range diags {
			lines = append(lines, dg.String())
		}
		a.dialoguesPage(w, r, http.StatusUnprocessableEntity, map[string]any{"Source": source, "Filename": name, "Diagnostics": lines})
		return
	}
	ctx := r.Context()
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		row := store.Dialogue{SchemeID: v.Worker.SchemeID, Key: d.Key, Source: source}
		if err := tx.CreateDialogue(ctx, &row); err != nil {
			return err
		}
		return tx.PublishDialogue(ctx, row.ID)
	})
	if err != nil {
		a.storeError(w, r, "publish dialogue", err)
		return
	}
	if d.Kind == dialogues.KindCheckin {
		// It may be the scheme's check-in dialogue, with a new schedule:
		// everyone's next check-in follows the published version.
		if _, err := a.Nudges.ReplanScheme(ctx, a.DB, v.Worker.SchemeID); err != nil {
			a.Logger.Error("inbox: re-plan check-ins after publishing", "scheme", v.Worker.SchemeID, "dialogue", d.Key, "err", err)
			http.Error(w, "The dialogue was published, but planning everyone's next check-in failed. Publish it again to try again.",
				http.StatusInternalServerError)
			return
		}
	}
	http.Redirect(w, r, "/admin/dialogues", http.StatusSeeOther)
}
