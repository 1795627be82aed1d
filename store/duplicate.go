package store

import "context"

// FindDuplicatePerson returns an active person of the scheme with the
// phone (E.164) or NHS number given; an empty value is not compared. No
// such person is NotFound.
func (tx *Tx) FindDuplicatePerson(ctx context.Context, schemeID int64, phone, nhsNumber string) (Person, error) {
	var p Person
	err := tx.get(ctx, "find duplicate person", &p, `SELECT `+personColumns+` FROM people
		WHERE scheme_id = ? AND status = 'active' AND ((? <> '' AND phone = ?) OR (? <> '' AND nhs_number = ?))
		ORDER BY id LIMIT 1`, schemeID, phone, phone, nhsNumber, nhsNumber)
	return p, err
}
