package recordio_test

import (
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/recordio"
)

func ExampleLoadUnits() {
	const units = `id,name,category,district,key_unit,floor_area,construction
91330106MA2B0001X1,老王烧烤店,nine-small-places,西湖区,否,85.5,砖混
91330108MA2B0002Y2,滨江仓储,warehouse,滨江区,是,12000,钢结构
91330106MA2B0003Z3,,street-shop,西湖区,,NaN,
91330106MA2B0004A4,便利店,shop,西湖区,no,60,
`
	got, rejected, err := recordio.LoadUnits(strings.NewReader(units), recordio.LoadOptions{Source: "units.csv", Lenient: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range got {
		area, _ := u.Attr("floor_area")
		fmt.Println(u.ID, u.Name, u.Category, u.District, u.KeyUnit, area.Num)
	}
	for _, e := range rejected {
		fmt.Println("rejected:", e)
	}
	// Output:
	// 91330106MA2B0001X1 老王烧烤店 nine-small-places 西湖区 false 85.5
	// 91330108MA2B0002Y2 滨江仓储 warehouse 滨江区 true 12000
	// rejected: units.csv:4: column "floor_area" of record "91330106MA2B0003Z3": value "NaN": bad number: attribute must be finite
	// rejected: units.csv:5: column "category" of record "91330106MA2B0004A4": value "shop": unknown enumeration value: unknown category "shop" (want one of industrial, warehouse, nine-small-places, street-shop, high-rise, underground, crowded-place, hospital, school, residential, other)
}

func ExampleStreamTelemetry() {
	const events = `unit_id,device_id,device_type,time,kind,value,measure
U1,P-1,water-pressure-sensor,2025-11-02T03:04:05Z,pressure-low,0.05,MPa
U1,S-7,smoke,2025-11-02 08:00:00,fault,,
U1,S-7,smoke,2025-11-03T09:00:00+08:00,restored,,
`
	faults := 0
	_, err := recordio.StreamTelemetry(strings.NewReader(events), recordio.LoadOptions{Source: "telemetry.csv"},
		func(e *risk.TelemetryEvent) error {
			if e.Kind != risk.Restored {
				faults++
			}
			fmt.Println(e.Time.Format("2006-01-02 15:04"), e.DeviceID, e.Kind)
			return nil
		})
	fmt.Println(faults, err)
	// Output:
	// 2025-11-02 03:04 P-1 pressure-low
	// 2025-11-02 08:00 S-7 fault
	// 2025-11-03 01:00 S-7 restored
	// 2 <nil>
}

// Loading a directory of record files: the units first, then every other
// file checked against them.
func ExampleLoadRecords() {
	fsys := fstest.MapFS{
		"units.csv": {Data: []byte("id,category,district\nU1,street-shop,east\nU2,warehouse,west\n")},
		"credit.jsonl": {Data: []byte(`{"unit_id":"U1","grade":"C","dishonest":false,"penalties":2,"as_of":"2025-06-30"}` + "\n" +
			`{"unit_id":"U9","grade":"A","dishonest":false,"penalties":0,"as_of":"2025-06-30"}` + "\n")},
	}
	rec, rejected, err := recordio.LoadRecords(fsys, recordio.Files{Units: "units.csv", Credit: "credit.jsonl"},
		recordio.LoadOptions{Lenient: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(rec.Units), "units,", len(rec.Credit), "credit record")
	for _, e := range rejected {
		fmt.Println("rejected:", e)
	}
	// Output:
	// 2 units, 1 credit record
	// rejected: credit.jsonl:2: column "unit_id" of record "U9": value "U9": record for an unknown unit
}
