package alert_test

import (
	"fmt"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
)

func ExampleEvaluate() {
	asOf := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	at := func(s string) time.Time { t, _ := time.Parse(time.DateTime, s); return t }
	tel := []risk.TelemetryEvent{
		{UnitID: "U1", DeviceID: "WP01", DeviceType: risk.WaterPressureSensor, Time: at("2026-02-24 08:00:00"), Kind: risk.PressureLow},
		{UnitID: "U2", DeviceID: "TD01", DeviceType: risk.TransmissionDevice, Time: at("2026-02-28 20:00:00"), Kind: risk.Offline},
		{UnitID: "U2", DeviceID: "TD01", DeviceType: risk.TransmissionDevice, Time: at("2026-03-01 09:00:00"), Kind: risk.Restored},
		{UnitID: "U3", DeviceID: "SD01", DeviceType: risk.SmokeDetector, Time: at("2026-03-02 10:00:00"), Kind: risk.FireAlarm},
	}
	rep, err := alert.Evaluate(tel, nil, asOf, alert.Config{})
	if err != nil {
		panic(err)
	}
	for _, a := range rep.Alerts {
		fmt.Println(a.UnitID, a.Rule, a.Severity)
		zh, en := a.Explain()
		fmt.Println(zh)
		fmt.Println(en)
	}
	fmt.Println("ignored after asOf:", rep.Late)
	// Output:
	// U1 pressure-low serious
	// 消防水压低持续3天以上（WP01，自 2026-02-24 08:00 起），自动喷水灭火和消火栓系统可能无法出水。
	// Water pressure low for 3 days or more (WP01, from 2026-02-24 08:00): sprinklers and hydrants may not deliver water.
	// ignored after asOf: 1
}
