using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace CharityDay.Deploy.Tests;

/// <summary>
/// YAML documents as JSON nodes, for navigation and deep comparison. Every scalar becomes a JSON
/// string (YAML's "6" and 6 alike), which is what the comparisons here want.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Reader = new DeserializerBuilder().Build();
    private static readonly ISerializer Json = new SerializerBuilder().JsonCompatible().Build();

    public static List<JsonObject> Documents(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = Reader.Deserialize<object?>(parser);
            if (value is not null)
            {
                documents.Add(JsonNode.Parse(Json.Serialize(value))!.AsObject());
            }
        }
        return documents;
    }

    public static JsonObject Document(string yaml) => Documents(yaml).Single();
}
