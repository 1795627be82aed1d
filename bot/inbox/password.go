package inbox

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password rules for new passwords. Passwords set before these rules keep
// working; the rules apply when a password is set.
const (
	passwordMinChars = 12
	// passwordMaxBytes is bcrypt's limit: it reads no further.
	passwordMaxBytes = 72
)

// Why a password is refused, in words for the form.
const (
	passwordTooShort = "Choose a password of at least 12 characters. A few unrelated words together are easy to remember and hard to guess."
	passwordTooLong  = "A password can be at most 72 bytes long: 72 plain letters, digits and spaces, fewer with accented letters or symbols such as £ or emoji. Choose a shorter one."
	passwordCommon   = "That password is one of the first that guessers try. Choose another: a few unrelated words together are easy to remember and hard to guess."
	passwordPattern  = "That password is a pattern: one character repeated, a run such as 123456789012 or qwertyuiop, or a short part repeated. Choose another: a few unrelated words together are easy to remember and hard to guess."
	passwordPersonal = "A password must not contain the person's name or the first part of their email. Choose another."
)

//go:embed common-passwords.txt
var commonPasswordFile string

// commonPasswords holds the lines of common-passwords.txt.
var commonPasswords = func() map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(commonPasswordFile, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = true
		}
	}
	return set
}()

// keyboardRuns are strings a run of keys or counting walks along.
var keyboardRuns = []string{
	"0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
	"qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop", "1qaz2wsx3edc4rfv5tgb", "1q2w3e4r5t6y7u8i9o0p",
}

// passwordProblem says why password may not be set for the link worker
// with email and name, or returns "".
func passwordProblem(password, email, name string) string {
	if utf8.RuneCountInString(password) < passwordMinChars {
		return passwordTooShort
	}
	if len(password) > passwordMaxBytes {
		return passwordTooLong
	}
	lower := strings.ToLower(password)
	core := passwordCore(lower)
	if commonPasswords[lower] || commonPasswords[core] {
		return passwordCommon
	}
	if isPattern(lower) || len(core) >= 4 && isPattern(core) {
		return passwordPattern
	}
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	if len(local) >= 4 && strings.Contains(lower, local) {
		return passwordPersonal
	}
	for _, word := range strings.Fields(strings.ToLower(name)) {
		if utf8.RuneCountInString(word) >= 4 && strings.Contains(lower, word) {
			return passwordPersonal
		}
	}
	return ""
}

// lookalikes undoes the usual swaps of letters for digits and symbols.
var lookalikes = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "@", "a", "$", "s", "!", "i", "+", "t")

// passwordCore is password (in lower case) without the digits and symbols
// around it, its look-alikes undone and anything but letters dropped:
// "p@ss w0rd2024!" is "password".
func passwordCore(lower string) string {
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) }
	core := strings.TrimFunc(lower, notLetter)
	core = lookalikes.Replace(core)
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, core)
}

// isPattern reports whether s repeats a part of at most half its length
// ("aaaaaaaaaaaa", "abcabcabcabc") or walks along a keyboard or counting
// run, forwards or backwards ("123456789012", "poiuytrewq").
func isPattern(s string) bool {
	if s == "" {
		return true
	}
	for k := 1; k <= len(s)/2; k++ {
		if strings.Repeat(s[:k], len(s)/k+1)[:len(s)] == s {
			return true
		}
	}
	for _, run := range keyboardRuns {
		long := strings.Repeat(run, len(s)/len(run)+2)
		if strings.Contains(long, s) || strings.Contains(long, reverse(s)) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// errPasswordTooLong is HashPassword's error for a password bcrypt
// cannot hold.
var errPasswordTooLong = errors.New(passwordTooLong)

// HashPassword returns the bcrypt hash to store for a new password. It
// does not apply the password rules (the admin pages do); a password over
// 72 bytes, which bcrypt cannot hold, is an error.
func HashPassword(password string) (string, error) {
	if len(password) > passwordMaxBytes {
		return "", errPasswordTooLong
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}
