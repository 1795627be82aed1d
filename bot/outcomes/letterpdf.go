package outcomes

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// WritePDF writes m as an A4 PDF for the GP or referrer: the same headings
// and words as the printable page. The Go fonts are embedded, so names in
// Latin, Greek or Cyrillic script print as written. at is the document's
// creation time.
func (m MessageBack) WritePDF(w io.Writer, at time.Time) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetTitle("Social prescribing: summary of support", true)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 16)
	pdf.AddPage()
	d := letterPDF{pdf}

	d.text("B", 16, "Social prescribing: summary of support")
	d.text("", 9, "For the GP and referrer. "+m.Standard+".")
	pdf.Ln(2)
	r := m.ReferralDetails
	referred := joinDots(r.Date, r.Source, r.Referrer) + " (SNOMED CT " + r.SNOMED + ")"
	s := m.SupportOffered
	support := joinDots(cmp.Or(s.Start, "not started")+" to "+cmp.Or(s.End, "ongoing"), strconv.Itoa(s.ContactsHeld)+" contacts")
	if m.SupportEnd.Reason != "" {
		support += " · ended: " + m.SupportEnd.Reason
	}
	if m.SupportEnd.Declined != "" {
		support += " · social prescribing declined (SNOMED CT " + m.SupportEnd.Declined + ")"
	}
	for _, f := range [][2]string{
		{"Name", m.PersonDemographics.Name},
		{"NHS number", cmp.Or(m.PersonDemographics.NHSNumber, "—")},
		{"Date of birth", cmp.Or(m.PersonDemographics.DateOfBirth, "—")},
		{"GP practice (ODS)", cmp.Or(m.GPPractice.ODSCode, "—")},
		{"Referred", referred},
		{"Support", support},
		{"Link worker", joinDots(cmp.Or(m.LinkWorker.Name, "—"), m.LinkWorker.Email)},
	} {
		d.fact(f[0], f[1])
	}

	d.heading("What mattered to " + m.PersonDemographics.Name)
	d.text("", 10, cmp.Or(m.WhatMattersToMe, "Not written yet."))
	d.heading("Needs and concerns")
	d.text("", 10, cmp.Or(strings.Join(m.NeedsAndConcerns, ", "), "None recorded."))
	d.heading("Activities")
	if len(s.Activities) == 0 {
		d.text("", 10, "None suggested.")
	}
	for _, a := range s.Activities {
		d.text("", 10, "• "+a.Group+": "+a.Status)
	}
	d.heading("Wellbeing at the start and end")
	if len(m.Outcomes) == 0 {
		d.text("", 10, "No check-in answers.")
	} else {
		d.outcomes(m.Outcomes)
		d.text("", 8, "Meaningful change: 2 points on an ONS4 question (anxiety: lower is better), 3 on the SWEMWBS metric score.")
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write the summary as PDF: %w", err)
	}
	return nil
}

// letterPDF lays out the summary's parts on an fpdf page.
type letterPDF struct{ *fpdf.Fpdf }

func (d letterPDF) text(style string, size float64, s string) {
	d.SetFont("go", style, size)
	d.MultiCell(0, size*0.5, s, "", "L", false)
}

func (d letterPDF) heading(s string) {
	d.Ln(3)
	d.text("B", 12, s)
	d.Ln(1)
}

func (d letterPDF) fact(label, value string) {
	d.SetFont("go", "B", 10)
	d.CellFormat(42, 5.5, label, "", 0, "L", false, 0, "")
	d.SetFont("go", "", 10)
	d.MultiCell(0, 5.5, value, "", "L", false)
}

func (d letterPDF) outcomes(list []MeasureResult) {
	widths := []float64{74, 32, 32, 36}
	d.SetFont("go", "B", 9)
	for i, h := range []string{"Measure", "Start", "End", "Change"} {
		d.CellFormat(widths[i], 6, h, "B", 0, "L", false, 0, "")
	}
	d.Ln(-1)
	d.SetFont("go", "", 9)
	for _, o := range list {
		end, change := "—", ""
		if o.End != nil {
			end = text(*o.End) + "  " + o.EndDate
		}
		if o.Change != nil {
			change = strings.TrimSpace(fmt.Sprintf("%+g %s", *o.Change, o.Result))
		}
		for i, c := range []string{o.Measure, text(o.Start) + "  " + o.StartDate, end, change} {
			d.CellFormat(widths[i], 6, c, "", 0, "L", false, 0, "")
		}
		d.Ln(-1)
	}
}

// joinDots joins the parts that are not empty with " · ".
func joinDots(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " · ")
}
