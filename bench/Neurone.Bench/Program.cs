using Neurone.Bench;

// Benchmarks print figures; they never assert. Usage: Neurone.Bench [gemm|mlp|cnn|tsne|data|search|twolayer|math|lstm|gpt] [options]
//   (no benchmark name = run every benchmark: gemm, mlp with SGD and with Adam, cnn, then tsne (10k MNIST, under a
//   minute on 2 cores); data, search, twolayer math (elementwise exp/log/tanh/sigmoid/softplus against TensorPrimitives) lstm (the IMDB LSTM next to lstm_imdb.py) and gpt (the baby GPT next to gpt_char.py)
//   run only when named)
string[] names = ["gemm", "mlp", "cnn", "tsne", "data", "search", "twolayer", "math", "lstm", "gpt"];
string which = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "all";
string[] options = which == "all" ? args : args[1..];
if (which != "all" && Array.IndexOf(names, which) < 0)
{
    Console.Error.WriteLine($"unknown benchmark '{which}'; expected one of: {string.Join(", ", names)} (or none for all)");
    return 2;
}
if (which is "all" or "gemm") GemmBench.Run(options);
if (which == "mlp") MlpBench.Run(options);
if (which == "cnn") CnnBench.Run(options);
if (which == "tsne") TsneBench.Run(options);
if (which == "data") DataBench.Run(options);
if (which == "search") SearchBench.Run(options);
if (which == "twolayer") TwoLayerBench.Run(options);
if (which == "math") MathBench.Run(options);
if (which == "lstm") LstmBench.Run(options);
if (which == "gpt") GptBench.Run(options);
if (which == "all")
{
    MlpBench.Run([.. options, "--opt", "sgd"]);
    MlpBench.Run([.. options, "--opt", "adam"]);
    CnnBench.Run(options);
    TsneBench.Run(options);
}
return 0;
