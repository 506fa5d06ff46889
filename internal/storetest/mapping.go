package storetest

import (
	"testing"

	"github.com/oas-atalaya/atalaya"
)

func testICCS(t *testing.T, s atalaya.Store) {
	c := ctx(t)
	got, err := s.ICCS(c)
	ok(t, err, "ICCS")
	if len(got) != 0 {
		t.Errorf("ICCS() of an empty store = %v; want none", got)
	}
	ok(t, s.PutICCS(c, iccsCats), "PutICCS")
	want := []atalaya.ICCSCategory{iccsCats[0], iccsCats[1], iccsCats[2], iccsCats[3], iccsCats[4], iccsCats[5], iccsCats[7], iccsCats[6]}
	got, err = s.ICCS(c)
	ok(t, err, "ICCS")
	same(t, "ICCS()", got, want)

	upd := iccsCats[1]
	upd.Name, upd.Verification = "Intentional homicide (ICCS 1.0)", "recalled"
	ok(t, s.PutICCS(c, []atalaya.ICCSCategory{upd}), "PutICCS (replace)")
	want[1] = upd
	got, err = s.ICCS(c)
	ok(t, err, "ICCS")
	same(t, "ICCS() after replace", got, want)

	for _, bad := range []atalaya.ICCSCategory{
		{Code: "1", Level: 1, Name: "x"},
		{Code: "0A01", Level: 2, Parent: "0A", Name: "x"},
		{Code: "0103", Level: 3, Parent: "01", Name: "x"},
		{Code: "0103", Level: 2, Parent: "02", Name: "x"},
		{Code: "0103", Level: 2, Parent: "01"},
	} {
		err := s.PutICCS(c, []atalaya.ICCSCategory{bad})
		wantCode(t, err, atalaya.EINVALID, "PutICCS("+describe(bad)+")")
	}
}

func testCodeLists(t *testing.T, s atalaya.Store) {
	c := ctx(t)
	other := atalaya.CodeList{ID: "co-policia", Name: "Policía Nacional de Colombia", Country: "COL"}
	intl := atalaya.CodeList{ID: "unodc-cts", Name: "UN-CTS crimes"}
	ok(t, s.PutCodeList(c, codeList), "PutCodeList")
	ok(t, s.PutCodeList(c, other), "PutCodeList")
	ok(t, s.PutCodeList(c, intl), "PutCodeList")
	other.Description = "Delitos de alto impacto"
	ok(t, s.PutCodeList(c, other), "PutCodeList (update)")
	got, err := s.CodeLists(c)
	ok(t, err, "CodeLists")
	same(t, "CodeLists()", got, []atalaya.CodeList{other, codeList, intl})

	wantCode(t, s.PutCodeList(c, atalaya.CodeList{Name: "x"}), atalaya.EINVALID, "PutCodeList(no id)")
	wantCode(t, s.PutCodeList(c, atalaya.CodeList{ID: "x", Name: "x", Country: "Mexico"}), atalaya.EINVALID, "PutCodeList(bad country)")
}

// mappingV1 is a first mapping of the fixture code list.
func mappingV1() atalaya.Mapping {
	return atalaya.Mapping{
		CodeList: codeList.ID, ValidFrom: "2015-01-01", Note: "first version",
		Entries: []atalaya.MappingEntry{
			{NationalCode: "Homicidio doloso", Label: "Homicidio doloso", ICCS: "0101"},
			{NationalCode: "Feminicidio", ICCS: "0101", Implies: atalaya.Disaggregation{Sex: "F", Context: atalaya.ContextFemicide}, Note: "UNODC guidance"},
			{NationalCode: "Homicidio doloso con arma de fuego", ICCS: "0101", Implies: atalaya.Disaggregation{Weapon: atalaya.WeaponFirearm}},
			{NationalCode: "Lesiones dolosas", ICCS: "02011"},
		},
	}
}

func testMappings(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	m1 := mappingV1()
	v, err := s.AddMapping(c, m1)
	ok(t, err, "AddMapping")
	if v != 1 {
		t.Fatalf("AddMapping(first) = %d; want 1", v)
	}

	// The same entries, reordered and spelled differently (case, spaces),
	// with another note: no new version.
	again := mappingV1()
	again.Note = "uploaded again"
	again.Entries[0], again.Entries[3] = again.Entries[3], again.Entries[0]
	again.Entries[1].NationalCode = "  FEMINICIDIO "
	v, err = s.AddMapping(c, again)
	ok(t, err, "AddMapping(same)")
	if v != 1 {
		t.Errorf("AddMapping(same entries) = %d; want 1", v)
	}

	// A changed entry: version 2.
	m2 := mappingV1()
	m2.Note = "lesiones now serious assault"
	m2.Entries[3].ICCS = "020111"
	m2.Entries = append(m2.Entries, atalaya.MappingEntry{NationalCode: "Tentativa de homicidio", ICCS: "0102"})
	v, err = s.AddMapping(c, m2)
	ok(t, err, "AddMapping(changed)")
	if v != 2 {
		t.Errorf("AddMapping(changed) = %d; want 2", v)
	}

	check := func(version int, want atalaya.Mapping, wantVersion int) {
		t.Helper()
		got, err := s.Mapping(c, codeList.ID, version)
		ok(t, err, "Mapping")
		if got.CreatedAt == "" {
			t.Errorf("Mapping(%d).CreatedAt is empty", version)
		}
		want.Version, want.CreatedAt = wantVersion, got.CreatedAt
		same(t, "Mapping("+describe(version)+")", got, want)
	}
	check(0, m2, 2)
	check(2, m2, 2)
	check(1, m1, 1) // the old version is still there, unchanged

	// A label changes what the mapping says: new version.
	m3 := m2
	m3.Entries = append([]atalaya.MappingEntry(nil), m2.Entries...)
	m3.Entries[0].Label = "Homicidio doloso (víctimas)"
	v, err = s.AddMapping(c, m3)
	ok(t, err, "AddMapping(label)")
	if v != 3 {
		t.Errorf("AddMapping(new label) = %d; want 3", v)
	}
	// Going back to version 1's entries is a new version too.
	v, err = s.AddMapping(c, mappingV1())
	ok(t, err, "AddMapping(back to v1)")
	if v != 4 {
		t.Errorf("AddMapping(v1 entries again) = %d; want 4", v)
	}
}

func testMappingErrors(t *testing.T, s atalaya.Store) {
	seed(t, s)
	c := ctx(t)
	_, err := s.Mapping(c, codeList.ID, 0)
	wantCode(t, err, atalaya.ENOTFOUND, "Mapping(no versions)")

	m := mappingV1()
	m.CodeList = "xx-unknown"
	_, err = s.AddMapping(c, m)
	wantCode(t, err, atalaya.ENOTFOUND, "AddMapping(unknown code list)", "xx-unknown")

	m = mappingV1()
	m.Entries[2].ICCS = "0909"
	_, err = s.AddMapping(c, m)
	wantCode(t, err, atalaya.EINVALID, "AddMapping(ICCS not in classification)", "0909")

	m = mappingV1()
	m.Entries[2].ICCS = "homicide"
	_, err = s.AddMapping(c, m)
	wantCode(t, err, atalaya.EINVALID, "AddMapping(not an ICCS code)")

	m = mappingV1()
	m.Entries[1].NationalCode = "homicidio  DOLOSO"
	_, err = s.AddMapping(c, m)
	wantCode(t, err, atalaya.EINVALID, "AddMapping(national code twice)")

	_, err = s.Mapping(c, codeList.ID, 0)
	wantCode(t, err, atalaya.ENOTFOUND, "Mapping after failed adds")
	v, err := s.AddMapping(c, mappingV1())
	ok(t, err, "AddMapping")
	if v != 1 {
		t.Errorf("AddMapping after failed adds = %d; want 1", v)
	}
	_, err = s.Mapping(c, codeList.ID, 2)
	wantCode(t, err, atalaya.ENOTFOUND, "Mapping(version 2 of 1)")
	_, err = s.Mapping(c, "xx-unknown", 1)
	wantCode(t, err, atalaya.ENOTFOUND, "Mapping(unknown code list)")
}

func testSources(t *testing.T, s atalaya.Store) {
	c := ctx(t)
	_, err := s.Source(c, srcPolice.ID)
	wantCode(t, err, atalaya.ENOTFOUND, "Source(absent)")
	ok(t, s.PutSource(c, srcPolice), "PutSource")
	ok(t, s.PutSource(c, srcHealth), "PutSource")
	got, err := s.Source(c, srcPolice.ID)
	ok(t, err, "Source")
	same(t, "Source", got, srcPolice)

	upd := srcHealth
	upd.Agency, upd.Licence = "INEGI (Estadísticas de defunciones)", "Libre uso MX"
	ok(t, s.PutSource(c, upd), "PutSource (update)")
	all, err := s.Sources(c)
	ok(t, err, "Sources")
	same(t, "Sources()", all, []atalaya.Source{upd, srcPolice})

	wantCode(t, s.PutSource(c, atalaya.Source{ID: "Bad ID", Agency: "x", Type: atalaya.SourcePolice}), atalaya.EINVALID, "PutSource(bad id)")
	wantCode(t, s.PutSource(c, atalaya.Source{ID: "x", Agency: "x", Type: "army"}), atalaya.EINVALID, "PutSource(bad type)")
}
