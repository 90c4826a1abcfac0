// 我的学习: show the whole name on request, and 读给我听 — the summary read aloud in Chinese by the
// phone's own speech synthesis (the button stays hidden where there is none, or no Chinese voice).
(function () {
  "use strict";
  var showName = document.getElementById("show-name");
  if (showName) {
    showName.hidden = false;
    showName.addEventListener("click", function () {
      document.getElementById("name-masked").hidden = true;
      document.getElementById("name-full").hidden = false;
      showName.hidden = true;
    });
  }

  var button = document.getElementById("read-aloud");
  if (!button || !("speechSynthesis" in window) || !window.speechSynthesis || !window.SpeechSynthesisUtterance) {
    return;
  }
  var synth = window.speechSynthesis;

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i += 1) {
      var lang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang.indexOf("zh") === 0 || lang.indexOf("cmn") === 0) { return voices[i]; }
    }
    return null;
  }

  function offer() { button.hidden = chineseVoice() === null; }
  offer();
  // Many browsers load their voices a moment after the page: look again when they arrive.
  if (typeof synth.addEventListener === "function") { synth.addEventListener("voiceschanged", offer); }
  else { synth.onvoiceschanged = offer; }

  button.addEventListener("click", function () {
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(button.getAttribute("data-speech"));
    utterance.lang = "zh-CN";
    var voice = chineseVoice();
    if (voice) { utterance.voice = voice; }
    utterance.rate = 0.9;     // a little slower than usual, for listeners not used to it
    synth.speak(utterance);
  });
})();
